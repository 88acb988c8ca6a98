"""The first-party Python packages of a tree, named as Python imports them.

`agent-guard init` maps the components a rule file names ("the WhatsApp layer never talks
to the DB") to folders. A component is code the project imports, so only importable
first-party packages (and the modules inside them) are candidates, named by their import
name: `src/shop/db` is `shop.db`, `backend/app/api/routes` is `app.api.routes` when
`backend/` is the project folder. Tests, documentation, migrations, examples, virtualenvs,
JavaScript dependencies, hidden folders and folders without Python are skipped, and each
skip is kept with its reason so `init` can say what it left out and why.

Import roots (folders Python would put on `sys.path`): the repository's top, any folder
holding a project file (pyproject.toml, setup.py, setup.cfg, Django's manage.py) and every
`src/`. A folder with `__init__.py` is a package; below a root, its import name is its
path from the nearest root. A folder without `__init__.py` is a namespace package only when
it holds `.py` files and sits inside a package, or right under `src/` or a project folder
(not a `scripts/`, `bin/` or `tools/` folder of scripts); any other folder is a container
(like `backend/`), and the packages inside it are imported from it. The repository's top
is a root for namespace folders only when it holds a project file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

PROJECT_FILES = frozenset({"pyproject.toml", "setup.py", "setup.cfg", "manage.py"})
# Folders of scripts or deployment files: .py files in them without __init__.py are run,
# not imported.
HIDDEN = "a hidden folder"
SCRIPT_FOLDERS = frozenset({
    "scripts", "script", "bin", "tools", "hooks", "dev", "contrib", "docker", "deploy",
    "deployment", "ci",
})  # fmt: skip

# Folder names skipped with everything below them, and why (checked in this order).
_SKIPPED_NAMES: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"node_modules", "bower_components"}), "JavaScript dependencies"),
    (frozenset({"venv", "virtualenv", "site-packages", "__pypackages__"}), "a virtualenv"),
    (frozenset({"__pycache__"}), "bytecode"),
    (frozenset({"build", "dist", "htmlcov"}), "build output"),
    (frozenset({"tests", "test", "testing", "test_utils"}), "tests"),
    (frozenset({"docs", "doc", "documentation", "docs_src"}), "documentation"),
    (frozenset({"migrations", "alembic"}), "database migrations"),
    (frozenset({"examples", "example", "samples"}), "examples"),
)


@dataclass(frozen=True, slots=True)
class Package:
    """An importable first-party package, namespace package or module."""

    path: str  # folder ("backend/app/api") or, for a module, its file ("backend/app/crud.py")
    name: str  # the import name ("app.api", "app.crud")
    kind: str  # "package" | "namespace package" | "module"
    rooted: bool = True  # its top package sits right under an import root, not in a container

    @property
    def last(self) -> str:
        return self.name.rpartition(".")[2]


@dataclass(frozen=True, slots=True)
class Skipped:
    """A folder not taken as a package, and why (with everything below it, unless `why`
    says that what is below may be a package)."""

    path: str
    why: str


@dataclass(frozen=True, slots=True)
class Layout:
    packages: tuple[Package, ...]
    skipped: tuple[Skipped, ...]


@dataclass(slots=True)
class _Tree:
    files: dict[str, set[str]] = field(default_factory=dict)  # folder -> its file names
    folders: dict[str, set[str]] = field(default_factory=dict)  # folder -> its sub-folders
    python: set[str] = field(default_factory=set)  # folders with a .py file at any depth


def find_packages(paths: Iterable[str], read: Callable[[str], bytes | None]) -> Layout:
    """The importable first-party packages among repository-relative file `paths`; `read`
    gives a file's bytes (None: unreadable), to see what the code imports."""
    walker = _Walker(_tree(paths), read)
    walker.visit("", None, parent_is_root=True)
    return Layout(tuple(walker.packages), tuple(walker.skipped))


def _tree(paths: Iterable[str]) -> _Tree:
    tree = _Tree()
    tree.folders[""] = set()
    for path in paths:
        folder, _, name = path.rpartition("/")
        tree.files.setdefault(folder, set()).add(name)
        child = folder
        while child:
            parent = child.rpartition("/")[0]
            tree.folders.setdefault(parent, set()).add(child)
            tree.folders.setdefault(child, set())
            if name.endswith(".py"):
                tree.python.add(child)
            child = parent
        if name.endswith(".py"):
            tree.python.add("")
    return tree


def _skip_reason(tree: _Tree, folder: str) -> str | None:
    name = folder.rpartition("/")[2]
    if name.startswith("."):
        return HIDDEN
    if name.endswith(".egg-info"):
        return "build output"
    if "pyvenv.cfg" in tree.files.get(folder, ()):
        return "a virtualenv"
    if name == "versions" and "env.py" in tree.files.get(folder.rpartition("/")[0], ()):
        return "database migrations"
    for names, why in _SKIPPED_NAMES:
        if name in names:
            return why
    if folder not in tree.python:
        return "holds no Python"
    return None


class _Walker:
    """One walk over the folders, from the top; what it finds, in path order."""

    def __init__(self, tree: _Tree, read: Callable[[str], bytes | None]) -> None:
        self.tree = tree
        self.read = read
        self.packages: list[Package] = []
        self.skipped: list[Skipped] = []
        self._imported: set[str] | None = None

    def visit(
        self, folder: str, prefix: str | None, *, parent_is_root: bool, rooted: bool = True
    ) -> None:
        """Classify `folder` (`prefix`: the import name of the package it is in, None outside
        one; `parent_is_root`: the folder holding it is an import root), then what is below."""
        tree = self.tree
        files = tree.files.get(folder, set())
        name = folder.rpartition("/")[2]
        inner: str | None = None  # the import name of this folder, when it is a package
        kind = "package"
        is_root = folder == "" or _is_root(folder, files)
        if folder:
            why = _skip_reason(tree, folder)
            if why is not None:
                if why != "bytecode":
                    self.skipped.append(Skipped(folder, why))
                return
        if not folder or (is_root and "__init__.py" not in files):
            pass  # the top, src/, a project folder: an import root, not a package
        elif not name.isidentifier():
            if prefix is not None:
                self.skipped.append(Skipped(folder, "not importable: not a Python identifier"))
                return
        elif "__init__.py" in files:
            inner = f"{prefix}.{name}" if prefix else name
        elif prefix is not None:
            if folder in tree.python:  # PEP 420: inside a package, a folder imports without one
                inner, kind = f"{prefix}.{name}", "namespace package"
        elif parent_is_root and name not in SCRIPT_FOLDERS and self.namespace(folder):
            inner, kind = name, "namespace package"
        elif _holds_python(files):
            why = "a folder of scripts" if name in SCRIPT_FOLDERS else "no __init__.py"
            self.skipped.append(Skipped(folder, f"not a package ({why}, nothing imports `{name}`)"))
        if inner is not None:
            if prefix is None:  # a top-level package: right under a root, or imported as such
                rooted = parent_is_root or self.imported(name)
            self.packages.append(Package(folder, inner, kind, rooted))
            self.packages.extend(
                Package(f"{folder}/{file}", f"{inner}.{file[:-3]}", "module", rooted)
                for file in sorted(files)
                if _is_module(file)
            )
        for child in sorted(tree.folders.get(folder, ())):
            self.visit(child, inner, parent_is_root=is_root and inner is None, rooted=rooted)

    def namespace(self, folder: str) -> bool:
        """Whether a top-level folder without __init__.py is a namespace package: the code
        imports it; or it holds packages and the code imports none of them on its own (were
        `backend/` a container, its code would import `app`, not `backend.app`)."""
        if folder not in self.tree.python:
            return False
        if self.imported(folder.rpartition("/")[2]):
            return True
        inside = [
            child.rpartition("/")[2]
            for child in self.tree.folders.get(folder, ())
            if "__init__.py" in self.tree.files.get(child, ())
        ]
        return bool(inside) and not any(self.imported(name) for name in inside)

    def imported(self, name: str) -> bool:
        """True when a Python file of the project imports `name` or a module inside it (the
        files of skipped folders, a virtualenv's thousands, are not read; tests are)."""
        if self._imported is None:
            self._imported = set()
            for folder, files in self.tree.files.items():
                if any(_foreign(part) for part in folder.split("/")):
                    continue
                for file in files:
                    if file.endswith(".py"):
                        self._imported.update(_imports(self.read(f"{folder}/{file}".lstrip("/"))))
        return name in self._imported


_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import|import[ \t]+([A-Za-z_]\w*))", re.M
)


def _imports(data: bytes | None) -> set[str]:
    """The top-level names a file imports absolutely (its first 64 KiB: enough for imports)."""
    if not data:
        return set()
    return {(a or b).decode() for a, b in _IMPORT.findall(data[:65536])}


def _foreign(name: str) -> bool:
    """A folder name whose files are not the project's own code (a virtualenv, a build)."""
    return name.startswith(".") or name in _FOREIGN or name.endswith(".egg-info")


_FOREIGN = frozenset({
    "node_modules", "bower_components", "venv", "virtualenv", "site-packages",
    "__pypackages__", "build", "dist",
})  # fmt: skip


def _is_root(folder: str, files: set[str]) -> bool:
    return folder.rpartition("/")[2] == "src" or bool(PROJECT_FILES & files)


def _holds_python(files: set[str]) -> bool:
    return any(file.endswith(".py") for file in files)


def _is_module(file: str) -> bool:
    stem = file[:-3]
    return (
        file.endswith(".py")
        and stem.isidentifier()
        and stem not in {"__init__", "conftest"}
        and not stem.startswith("test_")
        and not stem.endswith("_test")
    )
