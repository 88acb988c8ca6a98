"""The part of a repository's import graph that a question needs, built lazily.

The architecture checks ask narrow questions about a change: "does this added import reach
the database component?", "does this added import close a cycle?". Answering them never
needs the whole graph, only the modules reachable from the added edges. So this module:

- maps module names to paths and back from the tree's path list alone (`ModuleIndex`:
  `src/` layouts, top-level packages, packages nested below a plain directory, namespace
  packages), without reading a file;
- reads and parses a module only when a search reaches it (`ImportGraph.records`), with a
  cheap extractor that visits statement bodies only (module level, if/try/with/for/while/
  match/class/def bodies) and never walks expressions;
- caches each blob's import list on disk by content (`agent_guard.cache.BlobCache`), so a
  second run on a big repository parses almost nothing.

Graph nodes are repository paths, not module names: two names for one file (a namespace root
and a nested root) are still one node, and a file that does not exist is no node at all.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from agent_guard.cache import BlobCache
from agent_guard.changes.model import TreeReader
from agent_guard.checks.pysource import ImportRecord, SourceError, decode, parse

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = 1
CACHE_NAMESPACE = f"imports-v{EXTRACTOR_VERSION}-py{sys.version_info[0]}{sys.version_info[1]}"


# --- module names and paths -------------------------------------------------------------


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


# --- the cheap extractor ----------------------------------------------------------------


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


@dataclass(frozen=True, slots=True)
class RawImport:
    """An import as written (relative module unresolved), the form kept in the cache."""

    module: str  # "" for `from . import x`
    name: str | None
    line: int
    column: int
    module_level: bool
    type_checking: bool
    level: int


def extract_imports(tree: ast.Module) -> list[RawImport]:
    """Every import statement of a module, visiting statement bodies only (no expressions)."""
    found: list[RawImport] = []
    stack: list[tuple[list[ast.stmt], bool, bool]] = [(tree.body, True, False)]
    while stack:
        body, module_level, type_checking = stack.pop()
        for stmt in body:
            if isinstance(stmt, ast.Import):
                found.extend(
                    RawImport(
                        alias.name,
                        None,
                        alias.lineno,
                        alias.col_offset + 1,
                        module_level,
                        type_checking,
                        0,
                    )
                    for alias in stmt.names
                )
            elif isinstance(stmt, ast.ImportFrom):
                found.extend(
                    RawImport(
                        stmt.module or "",
                        alias.name,
                        alias.lineno,
                        alias.col_offset + 1,
                        module_level,
                        type_checking,
                        stmt.level,
                    )
                    for alias in stmt.names
                )
            elif isinstance(stmt, ast.If):
                guarded = type_checking or _is_type_checking(stmt.test)
                stack.append((stmt.body, module_level, guarded))
                stack.append((stmt.orelse, module_level, type_checking))
            elif isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
                stack.append((stmt.body, False, type_checking))
            elif isinstance(stmt, ast.ClassDef):
                stack.append((stmt.body, module_level, type_checking))
            elif isinstance(stmt, ast.Try | ast.TryStar):
                for block in (stmt.body, stmt.orelse, stmt.finalbody):
                    stack.append((block, module_level, type_checking))
                for handler in stmt.handlers:
                    stack.append((handler.body, module_level, type_checking))
            elif isinstance(stmt, ast.With | ast.AsyncWith):
                stack.append((stmt.body, module_level, type_checking))
            elif isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
                stack.append((stmt.body, module_level, type_checking))
                stack.append((stmt.orelse, module_level, type_checking))
            elif isinstance(stmt, ast.Match):
                for case in stmt.cases:
                    stack.append((case.body, module_level, type_checking))
    found.sort(key=lambda raw: (raw.line, raw.column))
    return found


# --- the fast scanner: imports without parsing the whole module -----------------------

# A line that starts an import statement, and the delimiters of triple-quoted strings (the
# only strings that span lines, so the only place a line-start `import` can hide).
_TRIPLE_QUOTES = ('"""', "'''")
_SCAN = re.compile(
    r"^[ \t]*(?:import[ \t]|from[ \t]+[\w.]+[ \t]+import\b|from[ \t]+\.)|" + '"""|' + "'''",
    re.MULTILINE,
)
# An import after another statement or a colon on the same line (`x = 1; import y`).
_INLINE = re.compile(r"[;:][ \t]*(?:import[ \t]+\w|from[ \t]+[\w.]+[ \t]+import\b)")
_HEADER = re.compile(
    r"[ \t]*(?:(?P<def>(?:async[ \t]+)?def\b)|(?P<if>if|elif)\b|(?P<other>class|else|try|"
    r"except|finally|with|async|for|while|match|case)\b)"
)
_TYPE_CHECKING_TEST = re.compile(r"[ \t]*(?:if|elif)[ \t]+(?:[\w.]+\.)?TYPE_CHECKING[ \t]*:")


class ScanFailed(Exception):
    """The fast scanner met something it does not understand: parse the module instead."""


def scan_imports(text: str) -> list[RawImport]:
    """The imports of `text` from its import lines alone, without parsing the whole module.

    Finds the lines that start an import statement outside triple-quoted strings, parses
    just those statements, and works out whether each runs at module level and under
    `if TYPE_CHECKING:` from the block headers above it. Raises ScanFailed on anything
    unusual (a statement that does not parse alone, a string delimiter after a `#`, tabs);
    the caller then parses the whole module with `extract_imports`, which is always right.
    """
    if _INLINE.search(text):
        raise ScanFailed("an import that does not start its line")
    found: list[RawImport] = []
    quote: str | None = None
    line = 1
    last = 0
    for match in _SCAN.finditer(text):
        token = match.group()
        if token in _TRIPLE_QUOTES:
            if quote is None:
                start = text.rfind("\n", 0, match.start()) + 1
                if "#" in text[start : match.start()]:
                    raise ScanFailed("a string delimiter after a #")
                quote = token
            elif token == quote:
                quote = None
            continue
        if quote is not None:
            continue
        line += text.count("\n", last, match.start())
        last = match.start()
        found.extend(_scan_statement(text, match.start(), line))
    if quote is not None:
        raise ScanFailed("an unterminated string")
    return found


def _scan_statement(text: str, start: int, line: int) -> list[RawImport]:
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    statement = text[start:end]
    if "(" in statement and ")" not in statement:
        close = text.find(")", end)
        if close < 0:
            raise ScanFailed("an unclosed parenthesis")
        end = text.find("\n", close)
        end = len(text) if end < 0 else end
        statement = text[start:end]
    while statement.rstrip().endswith("\\"):
        following = text.find("\n", end + 1)
        end = len(text) if following < 0 else following
        statement = text[start:end]
    indent = len(statement) - len(statement.lstrip(" \t"))
    if "\t" in statement[:indent]:
        raise ScanFailed("tab indentation")
    try:
        module = ast.parse(statement[indent:])
    except SyntaxError:
        raise ScanFailed("an import line that does not parse alone") from None
    module_level, type_checking = _context(text, start, indent) if indent else (True, False)
    found: list[RawImport] = []
    for stmt in module.body:
        if not isinstance(stmt, ast.Import | ast.ImportFrom):
            raise ScanFailed("another statement on an import line")
        module_name = stmt.module or "" if isinstance(stmt, ast.ImportFrom) else None
        level = stmt.level if isinstance(stmt, ast.ImportFrom) else 0
        for alias in stmt.names:
            column = alias.col_offset + 1 + (indent if alias.lineno == 1 else 0)
            found.append(
                RawImport(
                    alias.name if module_name is None else module_name,
                    None if module_name is None else alias.name,
                    line + alias.lineno - 1,
                    column,
                    module_level,
                    type_checking,
                    level,
                )
            )
    return found


def _context(text: str, start: int, indent: int) -> tuple[bool, bool]:
    """(module_level, type_checking) of an indented import, from the headers above it."""
    module_level, type_checking = True, False
    limit = indent
    end = start - 1
    while end > 0 and limit > 0:
        begin = text.rfind("\n", 0, end) + 1
        content = text[begin:end]
        end = begin - 1
        stripped = content.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        depth = len(content) - len(stripped)
        if depth >= limit:
            continue
        header = _HEADER.match(content)
        if header is None:
            raise ScanFailed("an indented import below a line that is not a block header")
        if header["def"]:
            module_level = False
        elif header["if"] and _TYPE_CHECKING_TEST.match(content):
            type_checking = True
        limit = depth
    return module_level, type_checking


def _encode(raws: list[RawImport]) -> list[list[object]]:
    rows: list[list[object]] = []
    for raw in raws:
        flags = int(raw.module_level) | 2 * int(raw.type_checking)
        rows.append([raw.module, raw.name, raw.line, raw.column, flags, raw.level])
    return rows


def _decode(value: object) -> list[RawImport] | None:
    """Cached rows back to RawImports; None when the value is not what this version wrote.

    The cache's header (namespace, key, CRC) already rules out torn and foreign files, so
    this only guards against a value of the wrong shape, cheaply.
    """
    if not isinstance(value, list):
        return None
    try:
        return [
            RawImport(row[0], row[1], row[2], row[3], bool(row[4] & 1), bool(row[4] & 2), row[5])
            for row in value
        ]
    except (TypeError, IndexError, KeyError):
        return None


def git_blob_id(data: bytes) -> str:
    """The id git gives `data` in a SHA-1 repository (used when the tree cannot tell us)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


# --- the lazy graph ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edge:
    """`source` (a path) imports `module`; `target` is its first-party file, None if external."""

    source: str
    target: str | None
    module: str
    line: int
    column: int
    module_level: bool
    type_checking: bool


class ImportGraph:
    """Import records and edges of any file of the tree, computed on demand.

    `known` holds the records of the changed files (from the single AST walk); every other
    file is read from `tree`, parsed with `extract_imports` and cached by blob id.
    """

    def __init__(
        self,
        tree: TreeReader,
        index: ModuleIndex,
        cache: BlobCache | None = None,
        known: Mapping[str, tuple[ImportRecord, ...]] | None = None,
    ) -> None:
        self.tree = tree
        self.index = index
        self.cache = cache or BlobCache(None)
        self.parsed = 0
        self._records: dict[str, tuple[ImportRecord, ...]] = dict(known or {})
        self._edges: dict[str, tuple[Edge, ...]] = {}
        # A git tree reader knows each file's blob id without reading it (`entry(path).oid`),
        # so a cache hit costs no read at all; other readers get the id computed from content.
        entry = getattr(tree, "entry", None)
        self._entry: Callable[[str], object] | None = entry if callable(entry) else None

    def records(self, path: str) -> tuple[ImportRecord, ...]:
        """Every import of `path` with absolute module names (() for missing/unparsable)."""
        cached = self._records.get(path)
        if cached is not None:
            return cached
        raws = self._raw_imports(path)
        name = self.index.module_name(path)
        is_package = path.endswith("__init__.py")
        records = tuple(
            ImportRecord(
                resolve_relative(name, is_package, raw.level, raw.module),
                raw.name,
                raw.line,
                raw.column,
                raw.module_level,
                raw.type_checking,
                raw.level,
            )
            for raw in raws
        )
        self._records[path] = records
        return records

    def _raw_imports(self, path: str) -> list[RawImport]:
        found = self._entry(path) if self._entry else None
        oid = getattr(found, "oid", None)
        if not isinstance(oid, str):
            oid = None
        data: bytes | None = None
        if oid is None:
            data = self.tree.read(path)
            if data is None:
                return []
            oid = git_blob_id(data)
        value = self.cache.get_json(CACHE_NAMESPACE, oid)
        raws = _decode(value) if value is not None else None
        if raws is not None:
            return raws
        if data is None:
            data = self.tree.read(path)
            if data is None:
                return []
        raws = self._parse(path, data)
        self.cache.put_json(CACHE_NAMESPACE, oid, _encode(raws))
        return raws

    def _parse(self, path: str, data: bytes) -> list[RawImport]:
        if b"import" not in data:
            return []
        self.parsed += 1
        try:
            text = decode(data)
            try:
                return scan_imports(text)
            except ScanFailed as why:
                log.debug("%s: imports scanned by parsing: %s", path, why)
            return extract_imports(parse(text, path))
        except SourceError as error:
            log.debug("%s:%d: not parsed for imports: %s", path, error.line, error.message)
            return []

    def edge(self, path: str, record: ImportRecord) -> Edge | None:
        """The edge one record of `path` makes (None for a relative import above the top).

        `from a.b import c` imports the module `a.b.c` when that file exists, else the name
        `c` of module `a.b` (grimp, import-linter's engine, decides the same way).
        """
        if record.module is None:
            return None
        module, target = record.module, None
        if record.name and record.name != "*":
            module = f"{record.module}.{record.name}"
            target = self.index.resolve(module)
            if target is None and (parent := self.index.resolve(record.module)) is not None:
                module, target = record.module, parent
        else:
            target = self.index.resolve(module)
        if target == path:
            target = None
        return Edge(
            path,
            target,
            module,
            record.line,
            record.column,
            record.module_level,
            record.type_checking,
        )

    def edges(self, path: str) -> tuple[Edge, ...]:
        """Every import of `path` as an edge (first-party ones have a `target`)."""
        cached = self._edges.get(path)
        if cached is None:
            found = (self.edge(path, record) for record in self.records(path))
            cached = tuple(edge for edge in found if edge is not None)
            self._edges[path] = cached
        return cached


def shortest_chain(
    graph: ImportGraph,
    start: Edge,
    goal: Callable[[Edge], bool],
    follow: Callable[[Edge], bool],
) -> list[Edge] | None:
    """The shortest chain `start, e1, ..., en` with `goal(en)`, or None.

    Breadth-first from `start.target` through first-party files, following only edges that
    `follow` accepts. A file is parsed at most once, and only when the search reaches it.
    """
    if goal(start):
        return [start]
    if start.target is None:
        return None
    parents: dict[str, Edge | None] = {start.target: None}
    queue: deque[str] = deque([start.target])
    while queue:
        node = queue.popleft()
        for edge in graph.edges(node):
            if not follow(edge):
                continue
            if goal(edge):
                return [start, *_unwind(parents, edge)]
            if edge.target is not None and edge.target not in parents:
                parents[edge.target] = edge
                queue.append(edge.target)
    return None


def _unwind(parents: Mapping[str, Edge | None], last: Edge) -> Iterator[Edge]:
    chain = [last]
    edge = parents[last.source]
    while edge is not None:
        chain.append(edge)
        edge = parents[edge.source]
    return reversed(chain)
