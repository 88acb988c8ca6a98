"""Python source as the checks see it: decoded once, parsed once, imports recorded once.

The engine reads each changed Python blob, decodes it (PEP 263: `tokenize.detect_encoding`,
BOM and CRLF included), parses it once with `ast`, and hands the same tree to the code
checks (one walk, see `checks/python/`) and the architecture checks (which consume the
`ImportRecord`s that walk collected). Nothing here imports a check.

Newer syntax: a file written for a newer Python than the one agent-guard runs on (`except A,
B:` and t-strings on 3.14, PEP 695 generics on 3.12) is not a syntax error. When the parse
fails, `parse` translates those constructs into what the running parser reads — the same
tree for the checks, columns kept — and remembers what it did (`newer_syntax(text)`), so the
syntax-error check reports the file once as what it is and every other check still runs.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from typing import NamedTuple


class SourceError(Exception):
    """The file cannot be decoded or parsed; `line`/`column` say where (1-based)."""

    def __init__(
        self,
        message: str,
        line: int = 1,
        column: int = 1,
        newer: str | None = None,
        *,
        syntax: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        # The newer Python whose syntax the failing line may use ("Python 3.12: a `type`
        # statement") when agent-guard runs on an older one: then the syntax-error finding
        # is only advisory (this parser cannot judge the file).
        self.newer = newer
        self.syntax = syntax  # a SyntaxError of the grammar (not bytes, not nesting)


class ImportRecord(NamedTuple):
    """One imported name as written, resolved to an absolute dotted module where possible.

    `module` is absolute (relative imports resolved against the importing module; None when
    a relative import climbs above the top). For `from a.b import c`, `module` is "a.b" and
    `name` is "c" (the target may be the module `a.b.c` or an attribute of `a.b`).
    `module_level` is False for imports inside a function body; `type_checking` is True
    under `if TYPE_CHECKING:`. Lines and columns are 1-based.
    """

    module: str | None
    name: str | None
    line: int
    column: int
    module_level: bool
    type_checking: bool
    level: int = 0  # the number of leading dots as written


def decode(data: bytes) -> str:
    """Decode source bytes as Python does (PEP 263 cookie or BOM, default UTF-8)."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise SourceError(f"cannot detect the source encoding: {error.msg}") from None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise SourceError(f"cannot decode as {encoding}: {error.reason}", line, column) from None
    except LookupError as error:
        raise SourceError(f"cannot decode as {encoding}: {error}") from None
    return text.removeprefix("\ufeff")


class NewerSyntax(NamedTuple):
    """A file that parses only on a newer Python: which one, the construct, and where."""

    version: tuple[int, int]
    feature: str
    line: int
    column: int


#: A cheap test before tokenizing a file that failed to parse: may it use newer syntax?
_MAY_BE_NEWER = re.compile(
    r"\bexcept\b[^:\n]*,|\b(?:[tT][rR]?|[rR][tT])['\"]|\b(?:def|class)\s+\w+\s*\[|^\s*type\s+\w+",
    re.MULTILINE,
)

#: text -> what `parse` translated in it (bounded: the walk reads it right after the parse)
_NEWER: dict[str, NewerSyntax] = {}


def newer_syntax(text: str) -> NewerSyntax | None:
    """What `parse` had to translate in `text` to read it, or None."""
    return _NEWER.get(text)


def parse(text: str, path: str) -> ast.Module:
    """Parse once; syntax errors, null bytes and too-deep nesting become a SourceError.

    A file that uses syntax newer than the running Python is parsed as translated (see the
    module docstring), and `newer_syntax(text)` says so."""
    try:
        return _parse(text, path)
    except SourceError as error:
        if not error.syntax or not _MAY_BE_NEWER.search(text):
            raise
        translated = translate_newer_syntax(text)
        if translated is None:
            raise
        # the translation keeps lines and columns, so its error (if any) is the real one
        tree = _parse(translated[0], path)
        if len(_NEWER) > 32:
            _NEWER.clear()
        _NEWER[text] = translated[1]
        return tree


def parse_quietly(text: str, path: str = "<unknown>") -> ast.Module:
    """`ast.parse` without the parser's warnings (an invalid escape sequence, `is` against
    a literal): they are about the checked code, not this run, and on a server each would
    reach the pusher as a `remote:` line, one per place in every pushed file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, filename=path)


def _parse(text: str, path: str) -> ast.Module:
    try:
        return parse_quietly(text, path)
    except (SyntaxError, ValueError) as error:  # ValueError: null bytes, before 3.12
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        line = getattr(error, "lineno", None) or 1
        column = getattr(error, "offset", None) or 1
        null = text.find("\0") if line == 1 and column == 1 else -1
        if null >= 0:  # point at the first null byte, which CPython does not locate
            line = text.count("\n", 0, null) + 1
            column = null - text.rfind("\n", 0, null)
        syntax = isinstance(error, SyntaxError) and "null bytes" not in message
        newer = newer_syntax_hint(text, line, message) if syntax else None
        raise SourceError(message, line, column, newer, syntax=syntax) from None
    except (RecursionError, MemoryError):
        raise SourceError("too deeply nested to parse") from None


# Syntax that a supported Python's parser rejects and a newer one accepts: the version that
# added it, what it is, and a pattern for the line the older parser fails on ("line") or for
# its message ("message"). On an older interpreter such a failure is not called a syntax
# error: a project on Python 3.12 must not be blocked because its hook runs on a 3.11.
_TYPE_PARAMS = r"^\s*(?:(?:async\s+)?def|class|type)\s+\w+\s*\["
_NEWER_SYNTAX: tuple[tuple[tuple[int, int], str, str, re.Pattern[str]], ...] = (
    ((3, 12), "a `type` statement", "line", re.compile(r"^\s*type\s+\w+\s*[\[=]")),
    ((3, 12), "type parameters", "line", re.compile(_TYPE_PARAMS)),
    ((3, 12), "an f-string of PEP 701", "message", re.compile(r"^f-string")),
    ((3, 13), "a type parameter default", "line", re.compile(_TYPE_PARAMS + r"[^\]]*=")),
    ((3, 14), "a template string", "line", re.compile(r"(?<![\w.])(?:[tT][rR]?|[rR][tT])['\"]")),
    ((3, 14), "exception types without parentheses", "message", re.compile(r"^multiple exc")),
)


def newer_syntax_hint(text: str, line: int, message: str) -> str | None:
    """The newer syntax a line that does not parse (and that `translate_newer_syntax` could
    not translate) may use ("Python 3.12: a `type` statement"), if any.

    Only the syntax of Pythons newer than the running one is considered, so on the newest
    Python this always returns None and every parse failure is a syntax error. The table is
    in version order; the newest match is named (`type X[T = int]` needs 3.13, not 3.12).
    """
    lines = re.split(r"\r\n?|\n", text)
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    for version, what, where, pattern in reversed(_NEWER_SYNTAX):  # the newest match wins
        if sys.version_info[:2] < version and pattern.search(
            source if where == "line" else message
        ):
            return f"Python {version[0]}.{version[1]}: {what}"
    return None


_STATEMENT_START = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.INDENT, tokenize.DEDENT})
_SKIP = frozenset({tokenize.COMMENT, tokenize.NL})
_T_PREFIXES = {
    prefix: prefix.replace("t", "f").replace("T", "F")
    for prefix in ("t", "T", "tr", "rt", "Tr", "tR", "rT", "TR", "RT", "Rt")
}


def translate_newer_syntax(
    text: str, running: tuple[int, int] | None = None
) -> tuple[str, NewerSyntax] | None:
    """`text` with the constructs of newer Pythons rewritten for the `running` one.

    Each rewrite keeps the tree the newer parser builds (parentheses around the exception
    types of `except A, B:`; `f` for the `t` prefix of a template string; the type
    parameters of `def f[T]` / `class C[T]` blanked out, `type X = ...` an assignment) and
    the lines and columns of everything else. None when nothing newer was found. The first
    construct of the newest version found is the one reported.
    """
    running = running or (sys.version_info.major, sys.version_info.minor)
    tokens: list[tokenize.TokenInfo] = []
    try:
        tokens.extend(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        pass  # translate what tokenized: the parse then reports the real error after it
    except (RecursionError, MemoryError):
        return None
    lines = text.splitlines(keepends=True)
    edits: list[tuple[int, int, int, str]] = []  # (row, start col, end col, replacement)
    found: list[NewerSyntax] = []

    def note(version: tuple[int, int], feature: str, token: tokenize.TokenInfo) -> None:
        found.append(NewerSyntax(version, feature, token.start[0], token.start[1] + 1))

    significant = [t for t in tokens if t.type not in _SKIP]
    for index, token in enumerate(significant):
        previous = significant[index - 1] if index else None
        at_start = previous is None or previous.type in _STATEMENT_START
        if running < (3, 14) and token.type == tokenize.NAME and token.string == "except":
            edit = _unparenthesized_except(significant, index)
            if edit is not None:
                edits.extend(edit)
                note((3, 14), "`except A, B:` without parentheses (PEP 758)", token)
        elif running < (3, 14) and token.type == tokenize.NAME and token.string in _T_PREFIXES:
            following = significant[index + 1] if index + 1 < len(significant) else None
            if (
                following is not None
                and following.type == tokenize.STRING
                and following.start == token.end
            ):
                row, col = token.start
                edits.append((row, col, token.end[1], _T_PREFIXES[token.string]))
                note((3, 14), 'a template string `t"..."` (PEP 750)', token)
        elif running < (3, 12) and token.type == tokenize.NAME and at_start:
            edit = _type_parameters(significant, index)
            if edit is not None:
                edits.extend(edit)
                if _has_type_parameter_default(significant, index):
                    note((3, 13), "a type parameter default (PEP 696)", token)
                else:
                    note((3, 12), "type parameter syntax (PEP 695)", token)
    if not found:
        return None
    for row, start, end, replacement in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + replacement + line[end:]
    newest = max(found, key=lambda item: item.version)
    first = min((f for f in found if f.version == newest.version), key=lambda f: f.line)
    return "".join(lines), first


def _unparenthesized_except(
    tokens: list[tokenize.TokenInfo], index: int
) -> list[tuple[int, int, int, str]] | None:
    """Edits that parenthesise `except A, B:` (and `except* A, B:`), or None."""
    position = index + 1
    if position < len(tokens) and tokens[position].string == "*":
        position += 1
    first = position
    depth = 0
    comma = False
    while position < len(tokens):
        token = tokens[position]
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
        elif depth == 0 and token.string == ":":
            break
        elif depth == 0 and token.string == ",":
            comma = True
        elif depth == 0 and token.type == tokenize.NAME and token.string == "as":
            return None  # `except A, B as e:` is an error on every Python
        elif token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            return None
        position += 1
    if not comma or position >= len(tokens) or position == first:
        return None
    start, last = tokens[first], tokens[position - 1]
    # "(" replaces nothing before the first type, ")" goes after the last one
    return [(start.start[0], start.start[1], start.start[1], "("),
            (last.end[0], last.end[1], last.end[1], ")")]  # fmt: skip


def _type_parameters(
    tokens: list[tokenize.TokenInfo], index: int
) -> list[tuple[int, int, int, str]] | None:
    """Edits that blank out PEP 695 type parameters and the `type` keyword, or None."""
    token = tokens[index]
    if token.string in ("def", "class"):
        bracket = index + 2
    elif token.string == "async" and index + 1 < len(tokens) and tokens[index + 1].string == "def":
        bracket = index + 3
    elif (
        token.string == "type"
        and index + 2 < len(tokens)
        and tokens[index + 1].type == tokenize.NAME
    ):
        bracket = index + 2
        after = tokens[bracket]
        if after.string not in ("=", "["):
            return None
    else:
        return None
    if bracket >= len(tokens) or tokens[bracket].string != "[":
        if token.string == "type":
            return [_blank(token)]
        return None
    depth = 0
    position = bracket
    while position < len(tokens):
        text = tokens[position].string
        depth += (text in "([{") - (text in ")]}") if tokens[position].type == tokenize.OP else 0
        if depth == 0:
            break
        position += 1
    if position >= len(tokens):
        return None
    opening, closing = tokens[bracket], tokens[position]
    if opening.start[0] != closing.end[0]:
        return None  # parameters over several lines: leave it a syntax error
    edits = [(opening.start[0], opening.start[1], closing.end[1],
              " " * (closing.end[1] - opening.start[1]))]  # fmt: skip
    if token.string == "type":
        edits.append(_blank(token))
    return edits


def _has_type_parameter_default(tokens: list[tokenize.TokenInfo], index: int) -> bool:
    """Whether the type parameters after `tokens[index]` give one a default (`[T = int]`),
    which needs Python 3.13 rather than 3.12."""
    depth = 0
    for token in tokens[index + 1 :]:
        if token.type == tokenize.OP and token.string in "([{":
            depth += 1
        elif token.type == tokenize.OP and token.string in ")]}":
            depth -= 1
            if depth == 0:
                return False
        elif depth == 1 and token.string == "=":
            return True
        elif token.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or (
            depth == 0 and token.string in ("=", ":", "(")
        ):
            return False
    return False


def _blank(token: tokenize.TokenInfo) -> tuple[int, int, int, str]:
    """`type X = int` -> `_ty= X = int`: an assignment, with every column kept."""
    row, col = token.start
    return (row, col, token.end[1] + 1, "_ty= ")


def module_name(path: str, roots: tuple[str, ...] = ("src/", "")) -> str:
    """The dotted module a repository path defines (`src/app/x.py` -> `app.x`)."""
    for root in roots:
        if root and path.startswith(root):
            path = path[len(root) :]
            break
    stem = path.removesuffix(".pyi").removesuffix(".py")
    parts = [part for part in stem.split("/") if part]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)
