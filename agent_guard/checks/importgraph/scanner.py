"""A module's imports, cheaply: the exact-pattern scanner and the statement-only extractor.

Most modules import in a few usual forms, so `scan_imports` reads them with exact patterns
and never parses the module (`ScanFailed` when a statement is not of those forms); the rest
go through `extract_imports`, which parses and visits statement bodies only (module level,
if/try/with/for/while/match/class/def bodies) and never walks expressions. Rows are
encoded for the on-disk cache by `encode`/`decode`.
"""

from __future__ import annotations

import ast
import hashlib
import logging
import re
from bisect import bisect_right
from collections.abc import Iterator
from keyword import kwlist
from typing import NamedTuple

from agent_guard.checks.pysource import parse_quietly

log = logging.getLogger(__name__)


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


class RawImport(NamedTuple):
    """An import as written (relative module unresolved), the form kept in the cache.

    A named tuple rather than a frozen dataclass: a scan builds thousands of them, and a
    frozen dataclass's `__init__` costs several times a tuple's.
    """

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


# What may stand before `import` on the line that starts an import statement.
_FROM_HEAD = re.compile(r"[ \t]*from\b[\w. \t]*")
# `import` after another statement or a colon on the same line (`x = 1; import y`).
_INLINE_HEAD = re.compile(r".*[;:][ \t]*(?:from\b[\w. \t]*)?")
_HEADER = re.compile(
    r"[ \t]*(?:(?P<def>(?:async[ \t]+)?def\b)|(?P<if>if|elif)\b|(?P<other>class|else|try|"
    r"except|finally|with|async|for|while|match|case)\b)"
)
_TYPE_CHECKING_TEST = re.compile(r"[ \t]*(?:if|elif)[ \t]+(?:[\w.]+\.)?TYPE_CHECKING[ \t]*:")
# The usual statement forms, matched exactly so that most statements need no `ast.parse`:
# `import a.b as c, d` and `from ..a import b as c, d`, `*` or a parenthesised list.
# Names are checked for keywords after the match (`import as` and `from if import x` must
# not read as imports): a keyword lookahead at every name made these two patterns cost tens
# of milliseconds to compile, on every commit.
_KEYWORDS = frozenset(kwlist)
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_NAME}(?:\.{_NAME})*"
_ALIAS = rf"{_DOTTED}(?:[ \t]+as[ \t]+{_NAME})?"
_GAP = r"(?:[ \t\r\n]|#[^\n]*)*"
_TAIL = r"[ \t]*(?:#[^\n]*)?\r?"
_PLAIN_IMPORT = re.compile(rf"[ \t]*import[ \t]+{_ALIAS}(?:[ \t]*,[ \t]*{_ALIAS})*{_TAIL}")
_PLAIN_FROM = re.compile(
    rf"[ \t]*from(?=[ \t.])[ \t]*(?P<dots>\.*)[ \t]*(?P<module>{_DOTTED})?[ \t]+import[ \t]*"
    rf"(?:\*|{_ALIAS}(?:[ \t]*,[ \t]*{_ALIAS})*"
    rf"|\({_GAP}{_ALIAS}(?:{_GAP},{_GAP}{_ALIAS})*{_GAP},?{_GAP}\)){_TAIL}"
)
# Applied only to a statement that matched one of the above, so names need no keyword test.
_WORD = r"[A-Za-z_][A-Za-z0-9_]*"
_ALIAS_TOKEN = re.compile(
    rf"#[^\n]*|(?P<name>\*|{_WORD}(?:\.{_WORD})*)(?:[ \t]+as[ \t]+(?P<alias>{_WORD}))?"
)


class ScanFailed(Exception):
    """The fast scanner met something it does not understand: parse the module instead."""


def scan_imports(text: str) -> list[RawImport]:
    """The imports of `text` from its import lines alone, without parsing the whole module.

    Finds each `import` keyword that starts a statement outside triple-quoted strings (with
    `str.find`, far cheaper than a regular expression over every line), reads the usual
    statement forms with exact patterns (`ast.parse` on just the statement otherwise), and
    works out whether each runs at module level and under `if TYPE_CHECKING:` from the
    block headers above it. Triple-quoted strings are the only strings that span lines, so
    the only place a line-start `import` can hide. Raises ScanFailed on anything unusual (a
    statement that does not parse alone, a string delimiter after an f-string, tabs, a
    backslash before an import line); the caller then parses the whole module with
    `extract_imports`, which is always right.
    """
    found: list[RawImport] = []
    strings: list[tuple[int, int]] = []
    pos, line, counted = 0, 1, 0
    at = text.find("import")
    # The next `"""` and `'''` at or after `pos`, each searched for once per string, so the
    # scan stays linear however many strings lie between two imports.
    double, single = text.find('"""'), text.find("'''")
    while at >= 0:
        if 0 <= double < pos:
            double = text.find('"""', pos)
        if 0 <= single < pos:
            single = text.find("'''", pos)
        opener = single if double < 0 or 0 <= single < double else double
        if 0 <= opener < at:
            pos = _skip_string(text, opener, strings)
            if at < pos:
                at = text.find("import", pos)
            continue
        pos = at + 6
        if _is_word(text, at - 1) or _is_word(text, pos):
            at = text.find("import", pos)
            continue
        start = text.rfind("\n", 0, at) + 1
        head = text[start:at]
        if head.strip(" \t") and not _FROM_HEAD.fullmatch(head):
            if _INLINE_HEAD.fullmatch(head):
                raise ScanFailed("an import that does not start its line")
            if not head.strip() or head.lstrip().startswith("from"):
                raise ScanFailed("a form feed or other unusual space before an import")
            at = text.find("import", pos)
            continue
        if _continues_previous_line(text, start):
            raise ScanFailed("a backslash before an import line")
        line += text.count("\n", counted, start)
        counted = start
        statement, end = _scan_statement(text, start, line, strings)
        found.extend(statement)
        pos = max(pos, end)
        at = text.find("import", pos)
    return found


def _skip_string(text: str, opener: int, strings: list[tuple[int, int]]) -> int:
    """Record the triple-quoted string at `opener`; the offset to scan on from."""
    start = text.rfind("\n", 0, opener) + 1
    if _continues_previous_line(text, start):
        raise ScanFailed("a string delimiter on a continued line")
    state = _before_delimiter(text[start:opener])
    if state is None:
        raise ScanFailed("a string delimiter after a string that may nest")
    if not state:
        return opener + 3
    quote = text[opener : opener + 3]
    close = text.find(quote, opener + 3)
    if close < 0:
        raise ScanFailed("an unterminated string")
    if text[close - 1] == "\\":
        raise ScanFailed("an escaped quote in a triple-quoted string")
    strings.append((opener, close + 3))
    return close + 3


# An f-string (or a 3.14 t-string): its replacement fields may reuse its own quote.
_NESTING_STRING = re.compile(r"(?<!\w)(?:[rR]?[fFtT]|[fFtT][rR])['\"]")


def _before_delimiter(before: str) -> bool | None:
    """Whether a triple quote after `before` (code from a line start) opens a string.

    True after plain code (`f("a", `), False inside a comment or a one-line string (`# `,
    `r'`: the triple quote is just text there), None when unsure (another triple quote or
    an f-string on the line). One-line strings are followed with their backslash escapes,
    which raw strings honour too (`r'\\''`).
    """
    if "#" not in before and '"' not in before and "'" not in before:
        return True
    if '"""' in before or "'''" in before or _NESTING_STRING.search(before):
        return None
    quote: str | None = None
    escaped = False
    for char in before:
        if quote is None:
            if char == "#":
                return False
            if char in "'\"":
                quote = char
        elif escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == quote:
            quote = None
    return quote is None


def _is_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _continues_previous_line(text: str, start: int) -> bool:
    index = start - 2
    while index >= 0 and text[index] in " \t\r":
        index -= 1
    return index >= 0 and text[index] == "\\"


def _scan_statement(
    text: str, start: int, line: int, strings: list[tuple[int, int]]
) -> tuple[list[RawImport], int]:
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
    context = _context(text, start, indent, strings) if indent else (True, False)
    aliases = _plain_aliases(statement)
    if aliases is None:
        aliases = _parsed_aliases(statement, indent)
    module_level, type_checking = context
    found = [
        RawImport(module, name, line + offset, column, module_level, type_checking, level)
        for module, name, level, offset, column in aliases
    ]
    return found, end


# (module, name, level, line offset, column) of one alias of a statement.
_Alias = tuple[str, str | None, int, int, int]


def _plain_aliases(statement: str) -> list[_Alias] | None:
    """The aliases of a statement in one of the usual forms, or None to parse it instead."""
    if not statement.isascii():
        return None
    plain = _PLAIN_IMPORT.fullmatch(statement)
    names_start = 0
    module: str | None = None
    level = 0
    if plain is None:
        plain = _PLAIN_FROM.fullmatch(statement)
        if plain is None:
            return None
        level, module = len(plain["dots"]), plain["module"] or ""
        if not (level or module) or _has_keyword(module):
            return None
        names_start = plain.end("module") if module else plain.end("dots")
    aliases: list[_Alias] = []
    multi_line = "\n" in statement
    for token in _ALIAS_TOKEN.finditer(statement, statement.index("import", names_start) + 6):
        name = token["name"]
        if name is None:
            continue
        if _has_keyword(name) or _has_keyword(token["alias"] or ""):
            return None
        where = token.start()
        offset, column = 0, where + 1
        if multi_line:
            offset = statement.count("\n", 0, where)
            column = where - statement.rfind("\n", 0, where)
        aliases.append(
            (name, None, 0, offset, column)
            if module is None
            else (module, name, level, offset, column)
        )
    return aliases


def _has_keyword(dotted: str) -> bool:
    return any(part in _KEYWORDS for part in dotted.split("."))


def _parsed_aliases(statement: str, indent: int) -> list[_Alias]:
    try:
        module = parse_quietly(statement[indent:])
    except SyntaxError:
        raise ScanFailed("an import line that does not parse alone") from None
    aliases: list[_Alias] = []
    for stmt in module.body:
        if not isinstance(stmt, ast.Import | ast.ImportFrom):
            raise ScanFailed("another statement on an import line")
        for alias in stmt.names:
            column = alias.col_offset + 1 + (indent if alias.lineno == 1 else 0)
            if isinstance(stmt, ast.ImportFrom):
                aliases.append(
                    (stmt.module or "", alias.name, stmt.level, alias.lineno - 1, column)
                )
            else:
                aliases.append((alias.name, None, 0, alias.lineno - 1, column))
    return aliases


def _context(
    text: str, start: int, indent: int, strings: list[tuple[int, int]]
) -> tuple[bool, bool]:
    """(module_level, type_checking) of an indented import, from the headers above it.

    Lines inside triple-quoted strings are skipped; a header that spans lines is read from
    its first line when its last line starts with a closing bracket (`) -> None:`).
    """
    module_level, type_checking = True, False
    limit = indent
    end = start - 1
    opens = [opener for opener, _ in strings]
    lines = _code_lines_back(text, end, strings, opens)
    while limit > 0 and (line := next(lines, None)) is not None:
        begin, content, stripped = line
        depth = len(content) - len(stripped)
        if depth >= limit:
            continue
        header = _HEADER.match(content)
        if header is None and stripped[0] in ")]" and content.rstrip().endswith(":"):
            header, end = _header_opening(text, begin + len(content), depth, strings, opens)
            lines = _code_lines_back(text, end, strings, opens)  # go on above the header
        if header is None:
            raise ScanFailed("an indented import below a line that is not a block header")
        if header["def"]:
            module_level = False
        elif header["if"] and _TYPE_CHECKING_TEST.match(header.string):
            type_checking = True
        limit = depth
    return module_level, type_checking


def _code_lines_back(
    text: str, end: int, strings: list[tuple[int, int]], opens: list[int]
) -> Iterator[tuple[int, str, str]]:
    """(start offset, line, line without its indent) of each code line ending before `end`,
    last first; blank lines, comments and lines inside triple-quoted strings are skipped."""
    while end > 0:
        begin = text.rfind("\n", 0, end) + 1
        content = text[begin:end]
        end = begin - 1
        stripped = content.lstrip(" ")
        if stripped and stripped[0] not in "#\r" and not _inside(strings, opens, begin):
            yield begin, content, stripped


def _inside(strings: list[tuple[int, int]], opens: list[int], offset: int) -> bool:
    index = bisect_right(opens, offset) - 1
    return index >= 0 and offset < strings[index][1]


def _header_opening(
    text: str, closing_end: int, depth: int, strings: list[tuple[int, int]], opens: list[int]
) -> tuple[re.Match[str] | None, int]:
    """The first line of a header whose last line (ending at `closing_end`) closes a bracket.

    An `if` test that spans lines is read only when `TYPE_CHECKING` appears nowhere in it:
    then it cannot be the `if TYPE_CHECKING:` guard, whatever else it tests.
    """
    for begin, content, stripped in _code_lines_back(
        text, text.rfind("\n", 0, closing_end), strings, opens
    ):
        end = begin - 1
        if len(content) - len(stripped) > depth:
            continue
        header = _HEADER.match(content)
        if len(content) - len(stripped) < depth or header is None:
            raise ScanFailed("a header that spans lines")
        if header["if"] and "TYPE_CHECKING" in text[begin:closing_end]:
            raise ScanFailed("an if TYPE_CHECKING test that spans lines")
        return header, end
    raise ScanFailed("a header that spans lines")


def encode_rows(raws: list[RawImport]) -> list[list[object]]:
    rows: list[list[object]] = []
    for raw in raws:
        flags = int(raw.module_level) | 2 * int(raw.type_checking)
        rows.append([raw.module, raw.name, raw.line, raw.column, flags, raw.level])
    return rows


def decode_rows(value: object) -> list[RawImport] | None:
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
