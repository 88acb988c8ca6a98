"""new-dependency (AG203): a new third-party library without a stated reason.

What it does
    Reports an added import of a top-level module that is not in the standard library of
    the project's Pythons, not part of the repository, not imported by any file of the tree
    before the change, and not declared in any dependency list of the tree: every
    `pyproject.toml` (`[project]` dependencies and optional-dependencies,
    `[dependency-groups]`, Poetry's and PDM's tables, uv's dev-dependencies),
    `requirements*.txt` / `requirements/*.txt` and the files their `-r` lines include,
    `setup.cfg` (install_requires, extras) and `Pipfile`. Import names are mapped to
    distribution names where they differ (`yaml` -> PyYAML, `PIL` -> Pillow, `stdnum` ->
    python-stdnum, ...; the `distributions` option adds more, and installed packages are
    asked through `importlib.metadata.packages_distributions()`).

    The standard library is that of the project's `requires-python` (the option, else
    pyproject.toml / setup.cfg of the checked tree): `distutils`, `imp` or `asyncore` are
    stdlib for a project that still supports Python 3.11, not for one that needs 3.12.

    Also reports a line added to one of those dependency lists that names a distribution no
    list declared before and no file imported. A commit whose message carries a
    `Dependency-Justification:` trailer (the `trailer` option) has given the reason, and is
    not reported.

Why is this bad
    Every library is code you did not review, a licence, a supply-chain risk and an upgrade
    you will have to make. The rules prefer the standard library and ask for a reason when
    a task cannot reasonably be done without a new library; an undeclared import also
    breaks on the next fresh install.

Example
    ```python
    import requests          # requests is declared nowhere

    def ping(url: str) -> int:
        return requests.get(url, timeout=5).status_code
    ```

Fix
    Use the standard library when it does the job (`urllib.request` here). When the library
    is needed, declare it in pyproject.toml and say why in the commit message:
    ```
    Dependency-Justification: httpx: we need an async HTTP client; urllib blocks the loop
    ```
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, NamedTuple

from agent_guard.changes.model import ChangeSet, TreeReader
from agent_guard.checks.base import Context, Unit, make_finding
from agent_guard.checks.importgraph import Edge, ModuleIndex
from agent_guard.checks.importgraph.scanner import RawImport
from agent_guard.checks.options import Kind, Option
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

if TYPE_CHECKING:
    from agent_guard.checks.architecture import ImportsUnit

log = logging.getLogger(__name__)

DISTRIBUTIONS: Option[dict[str, str]] = Option(
    "distributions",
    Kind.MAPPING,
    {},
    "import name -> distribution name, for names the built-in table does not know",
)
IGNORE: Option[list[str]] = Option(
    "ignore",
    Kind.STRINGS,
    [],
    "top-level import names never reported (vendored, or provided by the platform)",
)
TRAILER: Option[str] = Option(
    "trailer",
    Kind.STR,
    "Dependency-Justification",
    "the commit trailer that gives the reason for a new dependency",
)
REQUIRES_PYTHON: Option[str] = Option(
    "requires_python",
    Kind.STR,
    "",
    "the project's requires-python (empty: read from pyproject.toml / setup.cfg, else "
    "unknown): decides which modules are the standard library",
)
OPTIONS = (DISTRIBUTIONS, IGNORE, TRAILER, REQUIRES_PYTHON)


class NewDependencyCheck:
    """Added imports of undeclared third-party modules, and added dependency-list lines."""

    unit = Unit.IMPORTS

    def run(self, unit: ImportsUnit, context: Context) -> list[Finding]:
        settings = context.settings
        findings: list[Finding] = []
        declared: DeclaredDependencies | None = None
        prior = PriorImports(unit)
        justified = Justified(unit.changes, _trailer(settings))
        for changed in unit.python:
            if not settings.applies_to(changed.path):
                continue
            added, _kept = unit.edges(changed)
            if not added:
                continue
            if declared is None:
                declared = DeclaredDependencies(unit.reader, unit.paths)
            findings += check_imports(
                unit.index, declared, settings, justified, changed.path, added, prior
            )
        if unit.changes.kind == "files":
            return findings  # whole files: a dependency list has no "before" to be new against
        elsewhere = DeclaredBefore(unit)
        for changed in unit.changes.files:
            if not (
                changed.has_content
                and changed.added_lines
                and is_manifest(changed.path)
                and settings.applies_to(changed.path)
            ):
                continue
            new = unit.reader.read(changed.path)
            if new is not None:
                old = unit.old_blob(changed)
                findings += [
                    finding
                    for finding in check_manifest(
                        settings, justified, changed.path, changed.added_lines, new, old
                    )
                    if not elsewhere.knows(changed.path, dict(finding.extra)["dependency"], prior)
                ]
        return findings


CHECK = NewDependencyCheck()

# Import names whose distribution is called differently (the common cases).
KNOWN_DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    "yaml": ("PyYAML",),
    "PIL": ("Pillow",),
    "sklearn": ("scikit-learn",),
    "skimage": ("scikit-image",),
    "bs4": ("beautifulsoup4",),
    "cv2": ("opencv-python", "opencv-python-headless", "opencv-contrib-python"),
    "dateutil": ("python-dateutil",),
    "dotenv": ("python-dotenv",),
    "jwt": ("PyJWT",),
    "jose": ("python-jose",),
    "multipart": ("python-multipart",),
    "magic": ("python-magic",),
    "git": ("GitPython",),
    "OpenSSL": ("pyOpenSSL",),
    "Crypto": ("pycryptodome", "pycrypto"),
    "Cryptodome": ("pycryptodomex",),
    "nacl": ("PyNaCl",),
    "serial": ("pyserial",),
    "usb": ("pyusb",),
    "zmq": ("pyzmq",),
    "attr": ("attrs",),
    "psycopg2": ("psycopg2-binary", "psycopg2"),
    "MySQLdb": ("mysqlclient",),
    "grpc": ("grpcio",),
    "google.protobuf": ("protobuf",),
    "websocket": ("websocket-client",),
    "kafka": ("kafka-python",),
    "telegram": ("python-telegram-bot",),
    "docx": ("python-docx",),
    "pptx": ("python-pptx",),
    "slugify": ("python-slugify",),
    "fitz": ("PyMuPDF",),
    "socks": ("PySocks",),
    "pkg_resources": ("setuptools",),
    "_pytest": ("pytest",),
    "win32api": ("pywin32",),
    "ldap": ("python-ldap",),
    "Bio": ("biopython",),
    "jinja2": ("Jinja2",),
    "markdown": ("Markdown",),
    "mpl_toolkits": ("matplotlib",),
    "lxml": ("lxml",),
    "stdnum": ("python-stdnum",),
    "distutils": ("setuptools",),  # the standard library's until Python 3.12
    "google": ("protobuf", "google-api-python-client", "google-cloud-storage"),
    "googleapiclient": ("google-api-python-client",),
    "memcache": ("python-memcached",),
    "Levenshtein": ("python-Levenshtein", "Levenshtein"),
    "rest_framework": ("djangorestframework",),
    "environ": ("django-environ",),
    "debug_toolbar": ("django-debug-toolbar",),
    "corsheaders": ("django-cors-headers",),
    "dns": ("dnspython",),
    "botocore": ("botocore", "boto3"),
    "ingredient_parser": ("ingredient-parser-nlp",),
}

# Modules the standard library lost, by the first Python without them (PEP 594, PEP 632 and
# earlier removals): for a project that still supports an older Python they are stdlib.
REMOVED_STDLIB: dict[tuple[int, int], frozenset[str]] = {
    (3, 9): frozenset({"_dummy_thread", "dummy_threading"}),
    (3, 10): frozenset({"formatter", "parser", "symbol"}),
    (3, 11): frozenset({"binhex"}),
    (3, 12): frozenset({"asynchat", "asyncore", "distutils", "imp", "smtpd"}),
    (3, 13): frozenset(
        {
            "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr", "lib2to3",
            "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr",
            "spwd", "sunau", "telnetlib", "uu", "xdrlib",
        }
    ),
}  # fmt: skip
# Modules newer Pythons added (the running Python, 3.11 at the oldest, may not know them).
ADDED_STDLIB: frozenset[str] = frozenset({"annotationlib", "compression", "_interpreters"})

_NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def normalize(name: str) -> str:
    """PEP 503 normalisation: `Foo_Bar.baz` and `foo-bar-baz` are the same distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def is_stdlib(top: str, requires_python: str | None) -> bool:
    """True when `top` is a standard-library module on some Python the project supports.

    A module some Python removed is stdlib when the project's oldest Python still has it
    (always when requires-python is unknown: `distutils` is stdlib for someone), whatever
    the running Python has; otherwise the running Python's list, plus what newer ones added.
    """
    for gone, names in REMOVED_STDLIB.items():
        if top in names:  # whatever the running Python has: the project's oldest decides
            from agent_guard.checks.syntax_error import minimum_python

            oldest = minimum_python(requires_python)
            return oldest is None or oldest < gone
    return top in sys.stdlib_module_names or top in ADDED_STDLIB


def is_manifest(path: str) -> bool:
    """True for the files that declare dependencies: pyproject.toml, requirements*.txt,
    requirements/*.txt, setup.cfg, Pipfile."""
    directory, _, name = path.rpartition("/")
    if name in ("pyproject.toml", "setup.cfg", "Pipfile"):
        return True
    if name.startswith("requirements") and name.endswith((".txt", ".in")):
        return True
    return directory.rpartition("/")[2] == "requirements" and name.endswith((".txt", ".in"))


class Dependency(NamedTuple):
    name: str  # the distribution as written
    line: int


def requirement_name(requirement: str) -> str | None:
    """The distribution a PEP 508 requirement or requirements.txt line names."""
    egg = _EGG.search(requirement)
    if egg:
        return egg.group(1)
    stripped = requirement.strip()
    if not stripped or stripped.startswith(("-", "#", ".", "/")) or "://" in stripped:
        return None
    match = _NAME.match(stripped)
    return match.group(1) if match else None


def parse_requirements(text: str) -> list[Dependency]:
    found: list[Dependency] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if line.startswith(("-e ", "--editable")):
            egg = _EGG.search(line)
            if egg:
                found.append(Dependency(egg.group(1), number))
            continue
        name = requirement_name(line)
        if name:
            found.append(Dependency(name, number))
    return found


def parse_pyproject(text: str) -> list[Dependency]:
    """Every distribution a pyproject.toml declares, with the line that declares it."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        log.debug("pyproject.toml not parsed for dependencies: %s", error)
        return []
    requirements: list[str] = []
    keys: list[str] = []
    project = _table(data, "project")
    requirements += _strings(project.get("dependencies"))
    for group in _table(project, "optional-dependencies").values():
        requirements += _strings(group)
    for group in _table(data, "dependency-groups").values():
        requirements += _strings(group)
    tool = _table(data, "tool")
    poetry = _table(tool, "poetry")
    keys += list(_table(poetry, "dependencies")) + list(_table(poetry, "dev-dependencies"))
    for group in _table(poetry, "group").values():
        if isinstance(group, dict):
            keys += list(_table(group, "dependencies"))
    for group in _table(_table(tool, "pdm"), "dev-dependencies").values():
        requirements += _strings(group)
    requirements += _strings(_table(tool, "uv").get("dev-dependencies"))
    lines = text.splitlines()
    found: list[Dependency] = []
    for requirement in requirements:
        name = requirement_name(requirement)
        if name:
            found.append(Dependency(name, _line_of_string(lines, requirement)))
    for key in keys:
        if key.lower() != "python":
            found.append(Dependency(key, _line_of_key(lines, key)))
    return found


def _table(data: Mapping[str, object], key: str) -> dict[str, object]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _line_of_string(lines: Sequence[str], value: str) -> int:
    for quoted in (f'"{value}"', f"'{value}'"):
        for number, line in enumerate(lines, start=1):
            if quoted in line:
                return number
    return 0


def _line_of_key(lines: Sequence[str], key: str) -> int:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number, line in enumerate(lines, start=1):
        if pattern.match(line):
            return number
    return 0


def parse_setup_cfg(text: str) -> list[Dependency]:
    """install_requires, setup_requires, tests_require and every extra of a setup.cfg."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error as error:
        log.debug("setup.cfg not parsed for dependencies: %s", error)
        return []
    values: list[str] = []
    for key in ("install_requires", "setup_requires", "tests_require"):
        values.append(parser.get("options", key, fallback=""))
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    lines = text.splitlines()
    found: list[Dependency] = []
    for value in values:
        for item in value.splitlines():
            name = requirement_name(item.split(";", 1)[0])
            if name:
                found.append(Dependency(name, _line_of_word(lines, item.strip())))
    return found


PIPFILE_NOT_PACKAGES = frozenset({"source", "requires", "scripts", "pipenv"})


def parse_pipfile(text: str) -> list[Dependency]:
    """The keys of a Pipfile's package tables (`[packages]`, `[dev-packages]`, categories)."""
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        log.debug("Pipfile not parsed for dependencies: %s", error)
        return []
    lines = text.splitlines()
    return [
        Dependency(key, _line_of_key(lines, key))
        for table, packages in data.items()
        if table not in PIPFILE_NOT_PACKAGES and isinstance(packages, dict)
        for key in packages
    ]


def _line_of_word(lines: Sequence[str], value: str) -> int:
    for number, line in enumerate(lines, start=1):
        if value and value in line:
            return number
    return 0


_INCLUDE = re.compile(r"^\s*(?:-r|-c|--requirement|--constraint)(?:\s*=\s*|\s+)(\S+)")


def requirement_includes(path: str, text: str) -> list[str]:
    """The files a requirements file includes (`-r base.txt`, `-c constraints.txt`), as
    paths from the repository root."""
    import posixpath

    directory = path.rpartition("/")[0]
    found = []
    for line in text.splitlines():
        match = _INCLUDE.match(line)
        if match and "://" not in match.group(1):
            found.append(posixpath.normpath(posixpath.join(directory, match.group(1))))
    return found


def parse_manifest(path: str, data: bytes) -> list[Dependency]:
    text = data.decode("utf-8", "replace")
    name = path.rpartition("/")[2]
    if name == "setup.cfg":
        return parse_setup_cfg(text)
    if name == "Pipfile":
        return parse_pipfile(text)
    return parse_pyproject(text) if path.endswith(".toml") else parse_requirements(text)


@functools.cache
def _installed_distributions() -> Mapping[str, list[str]]:
    """Import name -> distributions installed here (slow: scans every installed package)."""
    from importlib.metadata import packages_distributions

    return packages_distributions()


def distributions_for(top: str, extra: Mapping[str, object], *, installed: bool) -> set[str]:
    """The normalised distribution names that may provide the import name `top`.

    `installed` also asks the environment (`packages_distributions()` reads every installed
    package's metadata: ~0.3 s), so callers try without it first.
    """
    names = {normalize(top)}
    names.update(normalize(name) for name in KNOWN_DISTRIBUTIONS.get(top, ()))
    mapped = extra.get(top)
    if isinstance(mapped, str):
        names.add(normalize(mapped))
    elif isinstance(mapped, list | tuple):
        names.update(normalize(str(name)) for name in mapped)
    if installed:
        names.update(normalize(name) for name in _installed_distributions().get(top, ()))
    return names


class DeclaredDependencies:
    """The distributions the tree's dependency lists declare, read when first asked."""

    def __init__(self, tree: TreeReader, paths: Iterable[str]) -> None:
        self._tree = tree
        self._paths = [path for path in paths if is_manifest(path)]
        self._names: set[str] | None = None

    def names(self) -> set[str]:
        if self._names is None:
            names: set[str] = set()
            todo, seen = list(self._paths), set(self._paths)
            while todo:  # the manifests, then the files their `-r` lines include
                path = todo.pop()
                data = self._tree.read(path)
                if data is None:
                    continue
                names.update(normalize(dep.name) for dep in parse_manifest(path, data))
                if not path.endswith(("pyproject.toml", "setup.cfg", "Pipfile")):
                    text = data.decode("utf-8", "replace")
                    for included in requirement_includes(path, text):
                        if included not in seen:
                            seen.add(included)
                            todo.append(included)
            self._names = names
        return self._names


def _top_names(raws: Iterable[RawImport]) -> set[str]:
    return {raw.module.partition(".")[0] for raw in raws if raw.level == 0 and raw.module}


def _blob_imports(data: bytes, path: str) -> set[str]:
    """The top-level modules an old version of a file imported (absolute imports only)."""
    from agent_guard.checks.importgraph.scanner import ScanFailed, extract_imports, scan_imports
    from agent_guard.checks.pysource import SourceError, decode, parse

    if b"import" not in data:
        return set()
    try:
        text = decode(data)
        try:
            return _top_names(scan_imports(text))
        except ScanFailed:
            return _top_names(extract_imports(parse(text, path)))
    except SourceError:
        return set()


class PriorImports:
    """The top-level modules the tree imported before the change, computed when first asked.

    A library some file already imported is not new, declared or not (an undeclared one is
    an old problem, not this change's): unchanged files are read from the new tree (they
    are the same), changed and deleted files from their old blobs.
    """

    def __init__(self, unit: ImportsUnit) -> None:
        self._unit = unit
        self._names: set[str] | None = None

    def names(self) -> set[str]:
        if self._names is None:
            self._names = self._collect()
        return self._names

    def _collect(self) -> set[str]:
        unit = self._unit
        changed = {path for file in unit.changes.files for path in file.paths}
        unchanged = [
            path for path in unit.paths if path.endswith((".py", ".pyi")) and path not in changed
        ]
        names: set[str] = set()
        graph = unit.graph
        graph.prefetch(unchanged)
        for path in unchanged:
            names.update(
                record.module.partition(".")[0]
                for record in graph.records(path)
                if record.module and record.level == 0
            )
        for file in unit.changes.files:
            if not (file.old_path or file.path).endswith((".py", ".pyi")):
                continue
            old = unit.old_blob(file)
            if old is not None:
                names |= _blob_imports(old, file.old_path or file.path)
        return names


class DeclaredBefore:
    """Whether a distribution a manifest line adds was already a dependency of the project:
    declared by another manifest the change left alone, or by a changed manifest's old
    version (a move from requirements.txt to pyproject.toml is not a new library)."""

    def __init__(self, unit: ImportsUnit) -> None:
        self._unit = unit
        self._names: dict[str, set[str]] | None = None

    def knows(self, path: str, distribution: str, prior: PriorImports) -> bool:
        if self._names is None:
            self._names = self._collect()
        wanted = normalize(distribution)
        if any(wanted in names for other, names in self._names.items() if other != path):
            return True
        return any(wanted in distributions_for(top, {}, installed=False) for top in prior.names())

    def _collect(self) -> dict[str, set[str]]:
        unit = self._unit
        changed = {file.path: file for file in unit.changes.files}
        names: dict[str, set[str]] = {}
        for path in unit.paths:
            if not is_manifest(path):
                continue
            file = changed.get(path)
            data = unit.old_blob(file) if file is not None else unit.reader.read(path)
            if data is not None:
                names[path] = {normalize(dep.name) for dep in parse_manifest(path, data)}
        for file in unit.changes.files:
            if file.old_path and is_manifest(file.old_path) and file.old_path not in names:
                data = unit.old_blob(file)
                if data is not None:
                    names[file.old_path] = {
                        normalize(dep.name) for dep in parse_manifest(file.old_path, data)
                    }
        return names


class Justified:
    """The paths some commit of the change changed and gave a reason for, in a `trailer:`
    line of its message.

    Indexed on first use, once per run: asked per added import, a scan of every commit of
    the change each time was quadratic in a push of tens of thousands of commits.
    """

    def __init__(self, changes: ChangeSet, trailer: str) -> None:
        self._changes = changes
        self.trailer = trailer
        self._paths: set[str] | None = None

    def __contains__(self, path: object) -> bool:
        if self._paths is None:
            pattern = re.compile(rf"^{re.escape(self.trailer)}:\s*\S", re.IGNORECASE | re.MULTILINE)
            self._paths = {
                path
                for change in self._changes.commits
                if pattern.search(change.commit.message)
                for changed in change.files
                for path in changed.paths
            }
        return path in self._paths


def _trailer(settings: CheckSettings) -> str:
    return TRAILER.value(settings) or TRAILER.default


def check_imports(
    index: ModuleIndex,
    declared: DeclaredDependencies,
    settings: CheckSettings,
    justified: Justified,
    path: str,
    added: Sequence[Edge],
    prior: PriorImports | None = None,
) -> list[Finding]:
    """Added imports of third-party modules that no dependency list declares and no file of
    the tree imported before the change."""
    ignored = set(IGNORE.value(settings))
    requires = REQUIRES_PYTHON.value(settings) or None
    mapping: Mapping[str, object] = DISTRIBUTIONS.value(settings)
    directory = path.rpartition("/")[0]
    siblings = directory + "/" if directory else ""
    findings: list[Finding] = []
    reported: set[str] = set()
    for edge in added:
        top = edge.module.partition(".")[0]
        if not top or top in reported or top in ignored or edge.target is not None:
            continue
        if is_stdlib(top, requires) or index.is_first_party(top):
            continue
        # A script's own directory is on sys.path: `import helpers` next to helpers.py.
        if f"{siblings}{top}.py" in index.files or f"{siblings}{top}" in index.dirs:
            continue
        if path in justified:
            continue
        if distributions_for(top, mapping, installed=False) & declared.names():
            continue
        if distributions_for(top, mapping, installed=True) & declared.names():
            continue
        if prior is not None and top in prior.names():
            continue
        reported.add(top)
        findings.append(_import_finding(settings, path, edge, top))
    return findings


def _import_finding(settings: CheckSettings, path: str, edge: Edge, top: str) -> Finding:
    distribution = KNOWN_DISTRIBUTIONS.get(top, (top,))[0]
    trailer = _trailer(settings)
    return make_finding(
        settings,
        path,
        edge.line,
        edge.column,
        f"`{top}` is a new third-party dependency: not in the standard library, not part of "
        "this repository, and declared in no pyproject.toml or requirements*.txt; the rules "
        "ask for a reason before adding a library",
        f"Use the standard library if it can do this. If `{top}` is needed, declare "
        f"`{distribution}` in pyproject.toml and give the reason in a "
        f"`{trailer}: {distribution}: <why>` commit trailer.",
        extra=(("dependency", distribution),),
    )


def check_manifest(
    settings: CheckSettings,
    justified: Justified,
    path: str,
    added_lines: AbstractSet[int],
    new: bytes,
    old: bytes | None,
) -> list[Finding]:
    """Added lines of a dependency list that name a distribution it did not declare before.

    Without the old blob, every dependency on an added line counts as new (a version bump
    then reads as a new dependency; the engine passes the old blob when it has one).
    """
    before = {normalize(dep.name) for dep in parse_manifest(path, old)} if old else set()
    trailer = justified.trailer
    findings: list[Finding] = []
    for dep in parse_manifest(path, new):
        if dep.line not in added_lines or normalize(dep.name) in before:
            continue
        if path in justified:
            break
        findings.append(
            make_finding(
                settings,
                path,
                dep.line,
                1,
                f"adds the dependency `{dep.name}`; the rules prefer the standard library and "
                "ask for a reason before adding a library",
                f"Give the reason in a `{trailer}: {dep.name}: <why>` commit trailer, or do "
                "without the library.",
                extra=(("dependency", dep.name),),
            )
        )
    return findings
