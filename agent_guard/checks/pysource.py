"""Python source as the checks see it: decoded once, parsed once, imports recorded once.

The engine reads each changed Python blob, decodes it (PEP 263: `tokenize.detect_encoding`,
BOM and CRLF included), parses it once with `ast`, and hands the same tree to the code
checks (one walk, see `checks/python.py`) and the architecture checks (which consume the
`ImportRecord`s that walk collected). Nothing here imports a check.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass


class SourceError(Exception):
    """The file cannot be decoded or parsed; `line`/`column` say where (1-based).

    `newer` names the newer Python whose syntax the failing line may use ("Python 3.12: a
    `type` statement") when agent-guard runs on an older one: then the parser here cannot
    judge the file, and the syntax-error finding is only advisory.
    """

    def __init__(
        self, message: str, line: int = 1, column: int = 1, newer: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.newer = newer


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


def newer_syntax(text: str, line: int, message: str) -> str | None:
    """The newer syntax the failing `line` may use ("Python 3.12: a `type` statement"), if any.

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


@dataclass(frozen=True, slots=True)
class ImportRecord:
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


def parse(text: str, path: str) -> ast.Module:
    """Parse once; syntax errors, null bytes and too-deep nesting become a SourceError."""
    try:
        return ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as error:  # ValueError: null bytes, before 3.12
        message = error.msg if isinstance(error, SyntaxError) else str(error)
        line = getattr(error, "lineno", None) or 1
        column = getattr(error, "offset", None) or 1
        null = text.find("\0") if line == 1 and column == 1 else -1
        if null >= 0:  # point at the first null byte, which CPython does not locate
            line = text.count("\n", 0, null) + 1
            column = null - text.rfind("\n", 0, null)
        raise SourceError(message, line, column, newer_syntax(text, line, message)) from None
    except (RecursionError, MemoryError):
        raise SourceError("too deeply nested to parse") from None


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
