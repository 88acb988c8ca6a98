"""banned-code (AG110): code a rule of the project bans, exactly as the rule names it.

## What it does
Reads what the rule files ban (the `targets` of each `banned-code` binding; see
docs/rules.md) and reports the Python code that matches one, within the files the rule
governs (its rule file's globs, its heading, "outside tests"). A target is one of:

- a call or attribute as written: `session.commit()`, `datetime.now()`, `os.system`,
  `httpx.AsyncClient()`, `@app.on_event`. Code matches when it is spelled that way, or when
  the walker resolves it, through imports and aliases, to that name
  (`from datetime import datetime as dt; dt.now()` matches `datetime.now()`);
- a class or name imported from a module, written in CapWords of two words or more
  (`BaseHTTPMiddleware`, `HTTPException`; `Model` alone is too generic) or `Any`: each use
  of the imported name;
- a builtin call: `eval`, `exec()`, `breakpoint()` (unless shadowed);
- a statement or import form: `assert`, `global`, `star-import`, `relative-import`,
  `import-in-function`, `unittest` (test cases built on `unittest`, not `unittest.mock`),
  `os.path`;
- a comment: `# type: ignore`, `# noqa`, `# pragma: no cover` (any `# pragma: ...`), read with
  the tokenizer, so a string that looks like one is not reported.

Precision first: a rule whose targets are not all understood exactly (a bare word such as
`session`, an expression `x == y`, a construct of another language, a target in a rule about
another language) is skipped as a whole, never guessed at. The finding quotes the rule that
bans the code and takes that rule's severity.

## Why is this bad?
The team wrote down that this code must not appear ("No `assert` in production code",
"use `time.monotonic()`, not `time.time()`", "never add `# type: ignore`"). A rule an agent
can ignore without anyone noticing is a wish; checked at commit time, it holds.

## Example
```python
from datetime import datetime

def stamp():
    return datetime.now()  # the rule: "use `timezone.now()`, never `datetime.now()`"
```

## Fix
Write the code the rule asks for instead (the finding quotes it). When the banned code is
really needed here, say why with a suppression:
`# agent-guard: ignore[banned-code] the vendor API requires a naive timestamp`.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from agent_guard.checks.base import make_finding
from agent_guard.checks.options import Option
from agent_guard.checks.python import Check, Walk
from agent_guard.model import Finding
from agent_guard.policy.model import Binding, CheckSettings, Policy

OPTIONS: tuple[Option[object], ...] = ()

# Statement and import forms, by the name the compiler gives them.
STATEMENTS = frozenset(
    {"assert", "global", "star-import", "relative-import", "import-in-function", "unittest"}
)
_DOTTED = re.compile(r"@?([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?:\(\)|\(\.\.\.\))?")
_CAPWORDS = re.compile(r"[A-Z]\w*[a-z]\w*")
_BUILTIN_CALL = re.compile(r"([a-z_]\w*)(?:\(\)|\(\.\.\.\))?")
_COMMENT = re.compile(r"#\s*(?:noqa|type:\s*ignore|pragma:\s*[a-z][a-z -]*[a-z])", re.I)
_UNITTEST_ALLOWED = ("unittest.mock",)
# Builtins a rule may ban by name: the dangerous ones, never `list` or `id`.
_BANNABLE_BUILTINS = frozenset({"eval", "exec", "compile", "breakpoint", "input", "__import__"})


@dataclass(frozen=True, slots=True)
class Target:
    """One understood target: its kind, the name it matches, how the rule wrote it."""

    kind: str  # "statement" | "dotted" | "name" | "builtin" | "comment"
    name: str
    written: str


def understand(target: str) -> Target | None:
    """The target as the check can match it exactly, or None (the rule is then skipped)."""
    text = target.strip()
    if text in STATEMENTS:
        return Target("statement", text, text)
    if text == "os.path":
        return Target("dotted", "os.path", text)
    if text in ("eval", "exec"):
        return Target("builtin", text, text)
    comment = _COMMENT.fullmatch(text)
    if comment is not None:
        return Target("comment", _comment_pattern(text), text)
    dotted = _DOTTED.fullmatch(text)
    if dotted is not None:
        return Target("dotted", dotted[1], text)
    if text == "Any" or (_CAPWORDS.fullmatch(text) and sum(c.isupper() for c in text) > 1):
        return Target("name", text, text)  # one word (`Model`, `Test`) is too generic
    call = _BUILTIN_CALL.fullmatch(text)
    if call is not None and text.endswith(")") and call[1] in _BANNABLE_BUILTINS:
        return Target("builtin", call[1], text)
    return None


def _comment_pattern(text: str) -> str:
    """A regex for a comment target: `# type: ignore` also matches `#type:ignore[attr]`."""
    head, colon, tail = text.lstrip("#").strip().partition(":")
    words = r"\s+".join(map(re.escape, head.split()))
    if colon:
        words += r"\s*:\s*" + r"\s+".join(map(re.escape, tail.split()))
    return r"(?:^|(?<=\s))#\s*" + words + r"(?![\w-])"  # a comment of its own, not quoted


@dataclass(frozen=True, slots=True)
class Ban:
    """One binding the check enforces: its targets, all understood."""

    binding: Binding
    targets: tuple[Target, ...]


def bans_of(policy: Policy) -> tuple[Ban, ...]:
    """The bindings of `banned-code` whose targets are all understood, for Python code."""
    cached = _BANS.get(id(policy))
    if cached is not None and cached[0] is policy:
        return cached[1]
    bans: list[Ban] = []
    for binding in policy.bindings_for("banned-code"):
        if "other" in binding.param("language"):
            continue  # a rule about another language's code
        targets = [understand(target) for target in binding.param("targets")]
        if targets and all(target is not None for target in targets):
            bans.append(Ban(binding, tuple(t for t in targets if t is not None)))
    if len(_BANS) > 16:
        _BANS.clear()
    _BANS[id(policy)] = (policy, tuple(bans))
    return tuple(bans)


_BANS: dict[int, tuple[Policy, tuple[Ban, ...]]] = {}


class BannedCode(Check[None]):
    slug = "banned-code"

    def __init__(self, walk: Walk, settings: CheckSettings, config: None) -> None:
        super().__init__(walk, settings, config)
        self.bans = [ban for ban in bans_of(walk.policy) if ban.binding.applies_to(walk.path)]
        self.seen: set[tuple[int, str]] = set()
        self.by_kind: dict[str, list[tuple[Ban, Target]]] = {}
        for ban in self.bans:
            for target in ban.targets:
                self.by_kind.setdefault(target.kind, []).append((ban, target))
        self.dotted = self.by_kind.get("dotted", [])
        self.names = self.by_kind.get("name", []) + self.by_kind.get("builtin", [])
        self.last = frozenset(t.name.rpartition(".")[2] for _, t in (*self.dotted, *self.names))
        self.statements = {t.name: ban for ban, t in self.by_kind.get("statement", [])}
        if "comment" in self.by_kind:
            self._comments()

    # --- reporting ------------------------------------------------------------------------

    def found(self, where: ast.AST | tuple[int, int], ban: Ban, target: Target) -> None:
        if isinstance(where, tuple):
            line, column = where
        else:
            line, column = getattr(where, "lineno", 1), getattr(where, "col_offset", 0) + 1
        # One finding per place: a line that breaks two targets of a rule (`unittest` and
        # `unittest.TestCase` at the same name) is one thing to fix.
        if (line, target.written) in self.seen or (line, f"@{column}") in self.seen:
            return
        self.seen.add((line, target.written))
        self.seen.add((line, f"@{column}"))
        binding = ban.binding
        finding: Finding = make_finding(
            self.settings,
            self.walk.path,
            line,
            column,
            f"`{target.written}` is banned here by the rule: {_quote(binding.rule.text)}",
            "write what the rule asks for instead; if this use is needed, say why with "
            "`# agent-guard: ignore[banned-code] <reason>`",
        )
        self.walk.findings.append(finding._replace(severity=binding.severity, rule=binding.rule))

    # --- statements and imports -----------------------------------------------------------

    def enter_Assert(self, node: ast.Assert) -> None:
        self._statement(node, "assert")

    def enter_Global(self, node: ast.Global) -> None:
        self._statement(node, "global")

    def enter_Import(self, node: ast.Import) -> None:
        self._in_function(node)

    def enter_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._in_function(node)
        if node.level:
            self._statement(node, "relative-import")
        if any(alias.name == "*" for alias in node.names):
            self._statement(node, "star-import")

    def enter_ClassDef(self, node: ast.ClassDef) -> None:
        ban = self.statements.get("unittest")
        if ban is None:
            return
        for base in node.bases:
            name = self.walk.qualified_name(base)
            if name and name.startswith("unittest.") and not name.startswith(_UNITTEST_ALLOWED):
                self.found(base, ban, Target("statement", "unittest", "unittest"))

    def _statement(self, node: ast.AST, name: str) -> None:
        ban = self.statements.get(name)
        if ban is not None:
            self.found(node, ban, Target("statement", name, name))

    def _in_function(self, node: ast.Import | ast.ImportFrom) -> None:
        if self.walk.function.kind in ("function", "lambda") and not self.walk.type_checking:
            self._statement(node, "import-in-function")

    # --- names, attributes, calls ---------------------------------------------------------

    def enter_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in self.last and isinstance(node.ctx, ast.Load):
            self._expression(node)

    def enter_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and (
            node.id in self.last or node.id in self.walk.imported
        ):
            self._expression(node)

    def _expression(self, node: ast.Attribute | ast.Name) -> None:
        written = _written(node)
        qualified = self.walk.qualified_name(node)
        for ban, target in self.dotted:
            name = target.name
            if written == name or (
                qualified is not None and (qualified == name or qualified.endswith("." + name))
            ):
                self.found(node, ban, target)
        if qualified is None:
            return
        for ban, target in self.names:
            if target.kind == "builtin":
                if qualified == "builtins." + target.name:
                    self.found(node, ban, target)
            elif (
                not qualified.startswith("builtins.")
                and qualified.rpartition(".")[2] == target.name
                and self._imported(node)
            ):
                self.found(node, ban, target)

    def _imported(self, node: ast.Attribute | ast.Name) -> bool:
        """True when the head of the expression is a name an import binds."""
        head: ast.expr = node
        while isinstance(head, ast.Attribute):
            head = head.value
        return isinstance(head, ast.Name) and head.id in self.walk.imported

    # --- comments -------------------------------------------------------------------------

    def _comments(self) -> None:
        text = self.walk.text
        targets = [
            (ban, target, re.compile(target.name, re.I)) for ban, target in self.by_kind["comment"]
        ]
        if not any(pattern.search(text) for _, _, pattern in targets):
            return  # most files: no such comment, no tokenizer
        try:
            for token in tokenize.generate_tokens(io.StringIO(text).readline):
                if token.type != tokenize.COMMENT:
                    continue
                for ban, target, pattern in targets:
                    match = pattern.search(token.string)
                    if match is not None:
                        row, col = token.start
                        self.found((row, col + match.start() + 1), ban, target)
        except (tokenize.TokenError, SyntaxError):
            return


def _written(node: ast.expr) -> str | None:
    """`a.b.c` as written, or None when the chain does not start with a name."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _quote(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return f'"{flat}"' if len(flat) <= limit else f'"{flat[: limit - 3]}..."'


CHECK = BannedCode
