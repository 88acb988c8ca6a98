"""Module names and repository paths, both ways, from the tree's path list alone.

`ModuleIndex` knows `src/` layouts, top-level packages, packages nested below a plain
directory and namespace packages without reading a file; `resolve_relative` turns a
relative import into an absolute module name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)


class ModuleIndex:
    """Module name <-> path for the `.py` files of one tree, from their paths alone.

    Package roots (the directories that would be on `sys.path`) are, in lookup order:
    `src/` when it holds Python files, the repository root, and the parent of every
    top-most regular package (a directory with `__init__.py` whose parent has none), so
    that `backend/app/__init__.py` makes `app` importable as the project runs it.
    A directory of Python files without `__init__.py` is a namespace package.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self.files: frozenset[str] = frozenset(p for p in paths if p.endswith(".py"))
        dirs: set[str] = set()
        for path in self.files:
            head = path.rpartition("/")[0]
            while head and head not in dirs:
                dirs.add(head)
                head = head.rpartition("/")[0]
        self.dirs: frozenset[str] = frozenset(dirs)
        self.roots: tuple[str, ...] = self._discover_roots()
        self._resolved: dict[str, str | None] = {}
        self._names: dict[str, str] = {}
        self._top_level: set[str] | None = None

    def _discover_roots(self) -> tuple[str, ...]:
        nested: set[str] = set()
        for path in self.files:
            if not path.endswith("/__init__.py"):
                continue
            package = path[: -len("/__init__.py")]
            parent = package.rpartition("/")[0]
            if parent and parent + "/__init__.py" not in self.files:
                nested.add(parent + "/")
        src = ("src/",) if "src" in self.dirs else ()
        nested.discard("src/")
        return (*src, "", *sorted(nested, key=lambda root: (-root.count("/"), root)))

    def resolve(self, module: str) -> str | None:
        """The file that defines `module` (`a/b.py` or `a/b/__init__.py`), or None."""
        if module in self._resolved:
            return self._resolved[module]
        found: str | None = None
        if module and not module.startswith("."):
            stem = module.replace(".", "/")
            for root in self.roots:
                for candidate in (f"{root}{stem}.py", f"{root}{stem}/__init__.py"):
                    if candidate in self.files:
                        found = candidate
                        break
                if found:
                    break
        self._resolved[module] = found
        return found

    def is_package_dir(self, module: str) -> bool:
        """True when `module` is a directory of Python files under a root (namespace too)."""
        stem = module.replace(".", "/")
        return any(f"{root}{stem}".rstrip("/") in self.dirs for root in self.roots)

    def module_name(self, path: str) -> str:
        """The dotted name of `path`: under the most specific root whose name maps back."""
        if path in self._names:
            return self._names[path]
        fallback = _strip_module(path)
        name = fallback
        for root in sorted(self.roots, key=len, reverse=True):
            if root and not path.startswith(root):
                continue
            candidate = _strip_module(path[len(root) :])
            if candidate and self.resolve(candidate) == path:
                name = candidate
                break
        self._names[path] = name
        return name

    def is_first_party(self, module: str) -> bool:
        """True when the top-level name of `module` is a module or package of this tree."""
        return module.partition(".")[0] in self.top_level()

    def top_level(self) -> set[str]:
        if self._top_level is None:
            tops: set[str] = set()
            for root in self.roots:
                depth = root.count("/")
                for path in self.files:
                    if not path.startswith(root):
                        continue
                    parts = path.split("/")
                    if len(parts) > depth + 1:
                        tops.add(parts[depth])
                    else:
                        tops.add(parts[depth].removesuffix(".py"))
            tops.discard("__init__")
            self._top_level = {top for top in tops if top.isidentifier()}
        return self._top_level


def _strip_module(path: str) -> str:
    parts = path.removesuffix(".py").split("/")
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def resolve_relative(importer: str, is_package: bool, level: int, module: str) -> str | None:
    """`from ..x import y` in module `importer` -> the absolute module (None above the top)."""
    if level == 0:
        return module
    package = importer if is_package else importer.rpartition(".")[0]
    parts = package.split(".") if package else []
    if not parts or level - 1 >= len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    return ".".join([*base, module] if module else base)
