"""Fingerprints of code findings: which findings a change creates, and which it only moves.

A code check reports on the whole file; a change should answer only for what it adds. The
engine keeps the findings on changed lines, but a change that touches a signature with an
old gap, re-indents a block or moves a function would re-report old code. Like
golangci-lint's `new-from-rev` and reviewdog's diff filter, a finding is new when the same
check on the file's OLD version has no finding with the same fingerprint:

- the check's slug;
- the enclosing qualified name (`Exporter.dump`, `<module>`), which survives moves;
- the offending code, normalised by `ast.unparse` (quotes, spacing, line breaks and
  comments do not matter), only its header for a construct with a body (`except Exception
  as error:`), and only kind and name for a definition (`FunctionDef total`): a finding
  about a whole function says what is wrong in its message;
- the message with its numbers removed (`a for loop at line 78` -> `a for loop at line #`),
  so a second loop in a route is new while a moved loop is not.

Equal fingerprints are counted, not merged: two identical `print(x)` in one function, where
the old version had one, leave one new finding (`new_findings`).
"""

from __future__ import annotations

import ast
import bisect
import copy
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from agent_guard.model import Finding

_NUMBERS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_BODIES = ("body", "orelse", "handlers", "finalbody", "cases")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def fingerprint(finding: Finding, source_lines: Sequence[str], tree: ast.Module | None) -> str:
    """A short stable hash of (check, enclosing name, normalised code, message shape)."""
    qualified, code = _locate(finding, source_lines, tree)
    message = _NUMBERS.sub("#", finding.message)
    digest = hashlib.sha1(usedforsecurity=False)
    for part in (finding.check, qualified, code, message):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def new_findings(
    new: Sequence[Finding],
    new_lines: Sequence[str],
    new_tree: ast.Module | None,
    old: Sequence[Finding],
    old_lines: Sequence[str],
    old_tree: ast.Module | None,
) -> list[Finding]:
    """The findings of `new` that the old version of the file did not already have.

    Per fingerprint, as many findings as the new version has more than the old one are new;
    of those, the last ones in the file are kept (an added duplicate is usually the later).
    """
    keyed = [(finding, fingerprint(finding, new_lines, new_tree)) for finding in new]
    return select_new(keyed, (fingerprint(f, old_lines, old_tree) for f in old))


def select_new(new: Sequence[tuple[Finding, str]], old: Iterable[str]) -> list[Finding]:
    """`new_findings` on fingerprints computed earlier (e.g. kept with cached results)."""
    old_counts = Counter(old)
    seen: Counter[str] = Counter()
    kept = []
    for finding, key in new:
        seen[key] += 1
        if seen[key] > old_counts[key]:  # the first ones are the old ones
            kept.append(finding)
    return kept


def _locate(
    finding: Finding, source_lines: Sequence[str], tree: ast.Module | None
) -> tuple[str, str]:
    """(enclosing qualified name, normalised code) of a finding."""
    line_text = source_lines[finding.line - 1] if 0 < finding.line <= len(source_lines) else ""
    fallback = _SPACES.sub(" ", line_text.split("#", 1)[0]).strip()
    if tree is None:
        return "<module>", fallback
    names: list[str] = []
    node = _outermost_at(tree, finding.line, finding.column - 1, names)
    qualified = ".".join(names) or "<module>"
    if node is None:
        return qualified, fallback
    try:
        return qualified, _normalised(node)
    except (ValueError, TypeError, RecursionError):
        return qualified, fallback


def _begin(node: ast.stmt) -> tuple[int, int]:
    begin = (node.lineno, node.col_offset)
    for decorator in getattr(node, "decorator_list", ()):
        begin = min(begin, (decorator.lineno, decorator.col_offset))
    return begin


def _outermost_at(tree: ast.Module, line: int, column: int, names: list[str]) -> ast.AST | None:
    """The outermost node that starts at (line, column); `names` gets the enclosing scopes."""
    where = (line, column)
    # A module's statements are in order and do not overlap: only the last one that begins
    # at or before `where` can hold it (bisected: a module of 5,000 statements and many
    # findings must not cost a scan per finding).
    at = bisect.bisect_right(tree.body, where, key=_begin)
    nodes: list[ast.AST] = [tree.body[at - 1]] if at else []
    while nodes:
        container = None
        for node in nodes:
            start = getattr(node, "lineno", None)
            if start is None:
                continue
            begin = (start, getattr(node, "col_offset", 0))
            for decorator in getattr(node, "decorator_list", []):
                begin = min(begin, (decorator.lineno, decorator.col_offset))
            end = (getattr(node, "end_lineno", None) or start, getattr(node, "end_col_offset", 0))
            if not begin <= where <= end:
                continue
            if (start, getattr(node, "col_offset", -1)) == where:
                return node
            container = node
            break
        if container is None:
            return None
        if isinstance(container, _SCOPES):
            names.append(container.name)
        nodes = list(ast.iter_child_nodes(container))
    return None


def _normalised(node: ast.AST) -> str:
    """`ast.unparse` of the node, of its header only when it has a body.

    A definition is its kind and name only: a finding about a whole function (a missing
    annotation, a route's logic) says in its message what is wrong, so touching the rest of
    the signature keeps it, and a new gap changes the message."""
    if isinstance(node, _SCOPES):
        return f"{type(node).__name__} {node.name}"
    if any(getattr(node, field, None) for field in _BODIES):
        node = copy.copy(node)
        for field in _BODIES:
            if getattr(node, field, None):
                setattr(node, field, [ast.Pass()] if field == "body" else [])
    if isinstance(node, ast.expr | ast.stmt | ast.excepthandler | ast.arg | ast.keyword):
        return ast.unparse(node)
    return type(node).__name__
