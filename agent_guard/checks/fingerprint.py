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

A finding about a whole function that lists several things (the parameters a signature
leaves unannotated, the reasons a route holds logic) names them in its `parts` (the extra
`PARTS`, one per line): its fingerprint is then one key per part, in place of the message,
and the finding is new when ONE of its parts is (`select_new`). So a commit that annotates
one old gap, adds an annotated parameter, changes a default or reorders a route's reasons is
quiet, and one that adds an unannotated parameter or a loop is not. A definition is its name
whatever its kind, so `async def` turned `def` is still the same function.

Equal fingerprints are counted, not merged: two identical `print(x)` in one function, where
the old version had one, leave one new finding (`new_findings`).
"""

from __future__ import annotations

import ast
import bisect
import copy
import difflib
import functools
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from agent_guard.model import Finding

_NUMBERS = re.compile(r"\d+")
_SPACES = re.compile(r"\s+")
_BODIES = ("body", "orelse", "handlers", "finalbody", "cases")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)

#: The key of `Finding.extra` under which a check lists a finding's parts, one per line.
PARTS = "parts"


def parts_extra(parts: Iterable[str]) -> tuple[str, str]:
    """The `extra` item that names a finding's parts (see the module docstring)."""
    return (PARTS, "\n".join(parts))


def fingerprint(finding: Finding, source_lines: Sequence[str], tree: ast.Module | None) -> str:
    """A short stable hash of (check, enclosing name, normalised code, message shape), or
    one such hash per part, space-separated, when the finding names its parts."""
    qualified, code = _locate(finding, source_lines, tree)
    parts = dict(finding.extra).get(PARTS)
    shapes = parts.splitlines() if parts else [finding.message]
    return " ".join(_digest(finding.check, qualified, code, _NUMBERS.sub("#", shape))
                    for shape in shapes)  # fmt: skip


def _digest(*fields: str) -> str:
    text = "\0".join(fields) + "\0"  # one update: a file of old code digests hundreds
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).hexdigest()[
        :16
    ]


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
    """`new_findings` on fingerprints computed earlier (e.g. kept with cached results).

    Counted per key (a fingerprint of several parts has one key per part): a finding is new
    when one of its keys occurs more often up to it than in the old version."""
    old_counts = Counter(key for fingerprint in old for key in fingerprint.split())
    seen: Counter[str] = Counter()
    kept = []
    for finding, fingerprint in new:
        keys = fingerprint.split() or [""]
        seen.update(keys)
        if any(seen[key] > old_counts[key] for key in keys):  # the first ones are the old ones
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
        nodes = _children_towards(container, where)
    return None


def _children_towards(container: ast.AST, where: tuple[int, int]) -> list[ast.AST]:
    """The children of `container` that may hold `where`: of a long body (a class of fifty
    methods), only the statement bisected to, plus every child outside the bodies
    (decorators, arguments, tests); the caller scans what is left in order."""
    body = getattr(container, "body", None)
    if not isinstance(body, list) or len(body) < 8 or not isinstance(body[0], ast.stmt):
        return list(ast.iter_child_nodes(container))
    at = bisect.bisect_right(body, where, key=_begin)
    in_body = {id(statement) for statement in body}
    return [
        child
        for child in ast.iter_child_nodes(container)
        if id(child) not in in_body or (at and child is body[at - 1])
    ]


def _normalised(node: ast.AST) -> str:
    """`ast.unparse` of the node, of its header only when it has a body.

    A definition is `def`/`class` and its name only: a finding about a whole function (a missing
    annotation, a route's logic) says in its message what is wrong, so touching the rest of
    the signature keeps it, and a new gap changes the message."""
    if isinstance(node, _SCOPES):
        kind = "class" if isinstance(node, ast.ClassDef) else "def"  # async or not
        return f"{kind} {node.name}"
    if any(getattr(node, field, None) for field in _BODIES):
        node = copy.copy(node)
        for field in _BODIES:
            if getattr(node, field, None):
                setattr(node, field, [ast.Pass()] if field == "body" else [])
    if isinstance(node, ast.expr | ast.stmt | ast.excepthandler | ast.arg | ast.keyword):
        return ast.unparse(node)
    return type(node).__name__


# --- code moved to another file -----------------------------------------------------------
#
# A commit that moves a function to another module (and often renames what it moves:
# `group` -> `household` across a package) should not answer for the old findings it
# carries. The per-file comparison cannot see that: the function is new in its file. So
# the findings that are still new are matched, on what they say rather than where they
# are, against those that went away from the change's other files: a finding is moved when
# every part of it disappeared from some other file of the same change.

T = TypeVar("T")

_DEFINITION = re.compile(r"^\s*(?:async\s+)?(def|class)\s+(\w+)")


def moved_keys(finding: Finding, renames: Mapping[str, str] | None = None) -> list[str]:
    """What a finding says, without where it is: the check, its code (a definition by its
    name, with `renames` applied to the name's words) and each part."""
    source = finding.source or ""
    match = _DEFINITION.match(source)
    if match:
        words = match.group(2).split("_")
        code = f"{match.group(1)} {'_'.join((renames or {}).get(w, w) for w in words)}"
    else:
        code = _SPACES.sub("", source.split("#", 1)[0])
    parts = dict(finding.extra).get(PARTS)
    shapes = parts.splitlines() if parts else [finding.message]
    return [f"{finding.check}\0{code}\0{_NUMBERS.sub('#', shape)}" for shape in shapes]


def move_sources(
    remaining: Sequence[Finding], candidates: Iterable[tuple[T, bytes | None, bytes | None]]
) -> list[tuple[T, bytes | None, bytes | None]]:
    """The candidates (each with its old and new text, kept for the caller, which reads
    them next: no blob is read twice) that one of `remaining` can have
    moved from: code moved away from a file is deleted from it, so its old text has a line
    the new text lacks, the finding's own line or, for a definition (which a move may also
    rename), a definition line. A file whose findings went away by an addition (a log call
    added to a handler) was fixed, not moved from. Unreadable text keeps the candidate.

    This spares walking the old version of every edited file: most lose no such line.
    """
    codes: set[str] = set()
    definitions = False
    for finding in remaining:
        first = (finding.source or "").split("\n", 1)[0]
        if not first.strip():
            return list(candidates)  # nothing to tell them by
        if _DEFINITION.match(first):
            definitions = True
        else:
            codes.add(_code_line(first))
    kept: list[tuple[T, bytes | None, bytes | None]] = []
    for candidate, old, new in candidates:
        if old is None or new is None:
            kept.append((candidate, old, new))
            continue
        # A line deleted is a line of the old text the new one has fewer of: counted as raw
        # bytes (in C), and only those few are decoded and normalised.
        lost = Counter(old.splitlines()) - Counter(new.splitlines())
        for raw in lost:
            line = raw.decode("utf-8", "replace")
            if (definitions and _DEFINITION.match(line)) or _code_line(line) in codes:
                kept.append((candidate, old, new))
                break
    return kept


def _code_line(line: str) -> str:
    return _SPACES.sub("", line.split("#", 1)[0])


def not_moved(new: Sequence[Finding], gone: Sequence[Finding]) -> list[Finding]:
    """The findings of `new` that are not one of `gone` (findings the same change removed
    from its other files) carried elsewhere, under the same name or one renamed as the
    commit renames others (`_renames`)."""
    renames = _renames(new, gone)
    available = Counter(key for finding in gone for key in moved_keys(finding, renames))
    kept = []
    for finding in new:
        keys = Counter(moved_keys(finding))
        if all(available[key] >= count for key, count in keys.items()):
            available.subtract(keys)
        else:
            kept.append(finding)
    return kept


def _renames(new: Sequence[Finding], gone: Sequence[Finding]) -> dict[str, str]:
    """Word renames the commit applies to function names (`group` -> `household`): a pair
    of words that, swapped, turns a removed definition's name into an added one, for at
    least two different names (one pair alone could be any two functions).

    Two names of n words that differ in exactly the word at i share the other n-1 words,
    so names are indexed by (n, i, the other words): each is looked up n times, never
    compared with every name of the other side (a push removes and adds hundreds). A
    one-word name differs in one word from every other one: it counts only towards a swap
    that a longer name shows too.
    """
    added = {m.group(2) for f in new if (m := _DEFINITION.match(f.source or ""))}
    removed = {m.group(2) for f in gone if (m := _DEFINITION.match(f.source or ""))}
    added, removed = added - removed, removed - added
    by_context: dict[tuple[int, int, tuple[str, ...]], list[str]] = {}
    for name in added:
        for context, word in _contexts(name):
            by_context.setdefault(context, []).append(word)
    seen: dict[tuple[str, str], set[str]] = {}
    for name in removed:
        for context, word in _contexts(name):
            for new_word in by_context.get(context, ()):
                seen.setdefault((word, new_word), set()).add(name)
    for (old_word, new_word), names in seen.items():
        if old_word in removed and new_word in added:  # both one-word names
            names.add(old_word)
    # A word swapped two ways: the way more names show wins, then the first in order (not
    # set order, which changes from process to process).
    ranked = sorted((-len(names), pair) for pair, names in seen.items() if len(names) >= 2)
    renames: dict[str, str] = {}
    for _, (old_word, new_word) in ranked:
        renames.setdefault(old_word, new_word)
    return renames


def _contexts(name: str) -> Iterator[tuple[tuple[int, int, tuple[str, ...]], str]]:
    """((word count, position, the other words), the word there) of a name of several
    words (`_renames`)."""
    words = name.split("_")
    if len(words) < 2:
        return
    for i, word in enumerate(words):
        yield (len(words), i, (*words[:i], *words[i + 1 :])), word


def renamed_in_place(
    old: Sequence[Finding], new: Sequence[Finding], before: Definitions, after: Definitions
) -> list[Finding]:
    """The findings of `new` (one file) on a definition that replaced one of the file's old
    version in place, under another name, with no part the old one did not have:
    `def recipes_repo(self):` become `def group_recipes(self):` between the same neighbours
    keeps its old missing return type, a route renamed keeps its reasons.

    Every definition of both versions (`before`, `after`) is aligned by name, as a diff aligns
    lines; where k old names give way to k new ones between the same neighbours (names the
    other version does not have), they are paired in order. Aligning only the definitions
    that have findings would pair a brand-new function with an old one the same commit fixed.
    """
    renamed: dict[str, str] = {}  # new name -> the old name it replaced
    old_names, new_names = before.names, after.names
    matcher = difflib.SequenceMatcher(None, old_names, new_names, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for was, now in zip(old_names[i1:i2], new_names[j1:j2], strict=True):
                if was not in new_names and now not in old_names:
                    renamed[now] = was
    if not renamed:
        return []
    old_by_name: dict[tuple[str, str], list[Finding]] = {}
    for finding in old:
        if match := _DEFINITION.match(finding.source or ""):
            old_by_name.setdefault((finding.check, match.group(2)), []).append(finding)
    kept: list[Finding] = []
    for finding in new:
        match = _DEFINITION.match(finding.source or "")
        was_name = renamed.get(match.group(2)) if match else None
        if was_name is None:
            continue
        shapes = Counter(_shapes(finding))
        if any(
            not shapes - Counter(_shapes(was))
            for was in old_by_name.get((finding.check, was_name), ())
        ):
            kept.append(finding)
    return kept


# A definition line, found over a whole text at once (in C: a push reads hundreds of files).
_DEFINITION_LINE = re.compile(rb"^([ \t]*)(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.MULTILINE)
_DEFINITION_NAME = re.compile(rb"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)", re.MULTILINE)


class Definitions:
    """The definitions (`def`, `class`) of a text, read from its lines and indentation, not
    parsed: enough to align two versions by name and to tell whether a function is still
    in a file. `names` in order; `qualified` by 1-based line (`Routes.invite`). Each is
    read when first asked for: aligning needs only the names (one `findall`, in C)."""

    def __init__(self, text: bytes) -> None:
        self._text = text

    @functools.cached_property
    def names(self) -> list[str]:
        return [name.decode("ascii", "replace") for name in _DEFINITION_NAME.findall(self._text)]

    @functools.cached_property
    def qualified(self) -> dict[int, str]:
        return self._nesting[0]

    @functools.cached_property
    def _nesting(self) -> tuple[dict[int, str], dict[int, int]]:
        """(qualified name, indent) of each definition, by line."""
        qualified: dict[int, str] = {}
        indents: dict[int, int] = {}
        stack: list[tuple[int, str]] = []  # (indent, qualified name) of the open definitions
        text, line, counted = self._text, 1, 0
        for match in _DEFINITION_LINE.finditer(text):
            line += text.count(b"\n", counted, match.start())
            counted = match.start()
            indent, name = len(match.group(1)), match.group(2).decode("ascii", "replace")
            while stack and stack[-1][0] >= indent:
                stack.pop()
            name = f"{stack[-1][1]}.{name}" if stack else name
            stack.append((indent, name))
            qualified[line] = name
            indents[line] = indent
        return qualified, indents

    def enclosing(self, line: int) -> str | None:
        """The qualified name of the definition that holds `line`, or None at module level."""
        if line in self.qualified:
            return self.qualified[line]
        lines = self._text.split(b"\n", line)  # only up to the line asked for
        if not 0 < line <= len(lines):
            return None
        text = lines[line - 1]
        indent = len(text) - len(text.lstrip())
        indents = self._nesting[1]
        for number in sorted((n for n in self.qualified if n < line), reverse=True):
            if indents[number] < indent:
                return self.qualified[number]
        return None


def _shapes(finding: Finding) -> list[str]:
    parts = dict(finding.extra).get(PARTS)
    return [_NUMBERS.sub("#", s) for s in (parts.splitlines() if parts else [finding.message])]
