"""The single walker: one parse, ONE walk per Python file, every code check dispatched from it.

Why one walk: the checks run on every commit, on the developer's machine, so their cost is
counted against `ast.parse` of the same file (target: at most 2x). Walking the tree once per
check would multiply it. Like pyflakes and flake8-bugbear, one visitor walks the tree and
calls the handlers the enabled checks registered for each node type; adding a check adds a
handler, never a pass.

The walker tracks what several checks need, once:
- scopes (module, class, function, lambda, comprehension), async or not, nesting depth;
- bindings per scope: imports and their aliases (`import time as t`, `from requests import get
  as fetch`), instances created from or annotated with a known class (`client = httpx.Client()`,
  `session: Session`), and every other local, parameter or definition (which shadows a builtin);
- `if TYPE_CHECKING:` blocks;
- whether a function awaits (`await`, `async for`, `async with`, async comprehensions) or yields;
- every import, as an `ImportRecord`, for the architecture checks.

## The interface a check implements (stable; `llm-writes` plugs in the same way)

A check module `agent_guard.checks.<slug_with_underscores>` that runs in the walk exposes
`CHECK`, a subclass of `Check`. Its handlers are methods named after the node class:

    class MyCheck(Check[MyConfig]):
        @classmethod
        def configure(cls, settings: CheckSettings) -> MyConfig:   # once per policy
            return MyConfig(...settings.options...)

        def enter_Call(self, node: ast.Call) -> None: ...          # before the children
        def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None: ...  # after

    CHECK = MyCheck

- `enter_<Node>` runs before the node's children are walked, `leave_<Node>` after. A handler
  named after an abstract class (`enter_stmt`, `enter_expr`) runs for every subclass.
- Enter handlers see the scope that CONTAINS the node (a `def` is a statement of the enclosing
  scope; its decorators and defaults are evaluated there). Leave handlers of a node that opens
  a scope (def, lambda, class, comprehension) run while that scope is still current, so they
  can read its facts (`walk.scope.awaits`, `walk.scope.yields`).
- `self.walk` is the `Walk`: `path`, `module`, `policy`, `scope`, `function` (innermost
  def/lambda/class/module scope), `in_async`, `type_checking`, `imports` (the records so
  far), `imported` (names bound by imports: a cheap test before resolving an alias),
  `qualified_name(expr)`, `binding(name)`, `annotation_type(expr)`. `self.settings` and
  `self.config` are the check's settings and compiled configuration.
- Report with `self.report(node, message, fix, scope=...)` (function-level findings pass
  `scope=function_scope(node)`). Inline suppressions are applied after the walk; a handler
  never filters by changed lines (the engine does).
- One instance is created per file, so per-file state lives on `self`; `configure` runs once
  per (policy, check) and its result is shared, so put compiled options there.
- A check module that is not part of the walk (syntax-error, suppression-reason) has no CHECK.

Which modules the walker consults: `walker_checks()`, the registered checks of unit `python`.
"""

from __future__ import annotations

import ast
import builtins
import importlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, ClassVar

from agent_guard.checks.base import make_finding
from agent_guard.checks.options import Option
from agent_guard.checks.pysource import ImportRecord, module_name
from agent_guard.checks.registry import BY_SLUG, Unit
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy

if TYPE_CHECKING:
    from agent_guard.checks.pysource import SourceError
    from agent_guard.suppressions import Suppression


def walker_checks() -> list[str]:
    """Slugs of the checks that plug into the walk (unit `python`), in dispatch order."""
    return [slug for slug, info in BY_SLUG.items() if info.unit is Unit.PYTHON]


#: Calls whose result is an instance of a known type, beyond classes (CapWords names).
FACTORIES: dict[str, str] = {
    "logging.getLogger": "logging.Logger",
    "logging.getLoggerClass": "logging.Logger",
    "structlog.get_logger": "structlog.BoundLogger",
    "structlog.getLogger": "structlog.BoundLogger",
    "requests.session": "requests.Session",
    "socket.socket": "socket.socket",
    "socket.create_connection": "socket.socket",
    "urllib3.connection_from_url": "urllib3.HTTPConnectionPool",
}

_BUILTINS = frozenset(dir(builtins))

Handler = Callable[[Any], None]


class ScopeKind:
    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"
    LAMBDA = "lambda"
    COMPREHENSION = "comprehension"


class Scope:
    """One scope of the walk: what it binds, and what its own body does.

    `bindings` maps a name to the qualified name it stands for (an import, an alias, or the
    type of an instance), or to None for any other local binding (which shadows a builtin or
    an outer import). `function` is the nearest enclosing scope that is not a comprehension
    (comprehensions run inline in their function). `depth` counts enclosing defs/lambdas.
    """

    __slots__ = (
        "awaits", "bindings", "depth", "function", "is_async", "kind", "node", "parent", "yields"
    )  # fmt: skip

    def __init__(self, kind: str, node: ast.AST, parent: Scope | None, is_async: bool) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.is_async = is_async
        self.bindings: dict[str, str | None] = {}
        self.awaits = False  # an await, async for/with or async comprehension in its own body
        self.yields = False  # a yield in its own body (an async def that yields is a generator)
        self.function: Scope = (
            self if kind != ScopeKind.COMPREHENSION or parent is None else (parent.function)
        )
        base: int = parent.depth if parent is not None else 0
        self.depth: int = base + (kind in (ScopeKind.FUNCTION, ScopeKind.LAMBDA))


class Check[C]:
    """Base of every check that runs in the walk (see the module docstring)."""

    slug: ClassVar[str]

    def __init__(self, walk: Walk, settings: CheckSettings, config: C) -> None:
        self.walk = walk
        self.settings = settings
        self.config = config

    @classmethod
    def configure(cls, settings: CheckSettings) -> C:
        """Compile the check's options once per policy (default: nothing to compile)."""
        return None  # type: ignore[return-value]

    @classmethod
    def skips(cls, config: C, path: str) -> bool:
        """True when the check does not run on `path` at all (e.g. print-call on tests),
        beyond the include/exclude globs of its settings."""
        return False

    def report(
        self,
        node: ast.AST | tuple[int, int],
        message: str,
        fix: str,
        *,
        scope: tuple[int, int] | None = None,
        extra: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """Record a finding at `node` (or at a 1-based (line, column))."""
        if isinstance(node, tuple):
            line, column = node
        else:
            line = getattr(node, "lineno", 1)
            column = getattr(node, "col_offset", 0) + 1
        self.walk.findings.append(
            make_finding(self.settings, self.walk.path, line, column, message, fix,
                         scope=scope, extra=extra)
        )  # fmt: skip


def option(settings: CheckSettings, declared: Sequence[Option[Any]], name: str) -> Any:
    """A check option by name: the configured value, or the declared default (typed)."""
    for declaration in declared:
        if declaration.name == name:
            return declaration.value(settings)
    raise KeyError(f"{settings.slug} declares no option {name!r}")


def option_strings(
    settings: CheckSettings, declared: Sequence[Option[Any]], name: str
) -> list[str]:
    strings: list[str] = option(settings, declared, name)
    return strings


def option_mapping(
    settings: CheckSettings, declared: Sequence[Option[Any]], name: str
) -> dict[str, str]:
    mapping: dict[str, str] = option(settings, declared, name)
    return mapping


def builtin_qualified(name: str) -> str:
    """Configured names without a module (`print`) mean the builtin (`builtins.print`)."""
    return name if "." in name else "builtins." + name


def function_scope(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> tuple[int, int]:
    """The (first, last) lines of a definition, decorators included."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    return first, node.end_lineno or node.lineno


def signature_scope(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[int, int]:
    """The (first, last) lines of a definition's decorators and signature, without the body."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    body_start = node.body[0].lineno if node.body else node.lineno
    return first, max(node.lineno, body_start - 1)


@dataclass(frozen=True, slots=True)
class PythonResult:
    """All findings of the enabled code checks on one file, and every import it makes."""

    findings: list[Finding]
    imports: tuple[ImportRecord, ...]


# ---------------------------------------------------------------------------------------------
# the walk


_LEAVE = 0
_OPEN = 1
_END_TYPE_CHECKING = 2

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPE_NODES = frozenset({*_FUNCTIONS, ast.Lambda, ast.ClassDef, *_COMPREHENSIONS})

# Fields that never hold nodes the checks need (names, flags, `ctx`, type comments).
_SKIPPED_FIELDS = frozenset(
    {"ctx", "id", "attr", "arg", "module", "level", "kind", "type_comment", "is_async",
     "conversion", "kwd_attrs", "rest", "name", "names", "simple", "type_ignores", "tag"}
)  # fmt: skip
_CHILD_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {
    ast.Constant: (),
    ast.MatchSingleton: (),  # its `value` is True/False/None, not a node
    ast.Import: (),
    ast.ImportFrom: (),
}


def _child_fields(cls: type[ast.AST]) -> tuple[str, ...]:
    """The fields of `cls` that may hold child nodes, reversed (they are pushed on a stack)."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = tuple(reversed([f for f in cls._fields if f not in _SKIPPED_FIELDS]))
        _CHILD_FIELDS[cls] = fields
    return fields


class Walk:
    """The state of one walk over one file, as the check handlers read it."""

    def __init__(self, path: str, text: str, policy: Policy) -> None:
        self.path = path
        self.text = text
        self.policy = policy
        self.module = module_name(path)
        self.is_package = path.endswith(("/__init__.py", "/__init__.pyi")) or path in (
            "__init__.py",
            "__init__.pyi",
        )
        self.findings: list[Finding] = []
        self.imports: list[ImportRecord] = []
        self.imported: set[str] = set()  # every name an import binds: aliases to resolve
        self.type_checking = 0  # how many `if TYPE_CHECKING:` bodies enclose the current node
        self.scope = Scope(ScopeKind.MODULE, ast.Module(body=[], type_ignores=[]), None, False)

    # --- what handlers ask --------------------------------------------------------------

    @property
    def function(self) -> Scope:
        """The innermost def, lambda, class or module scope (comprehensions run inline)."""
        return self.scope.function

    @property
    def in_async(self) -> bool:
        """True when the current code runs in an `async def` body itself (not a nested def,
        lambda or class)."""
        return self.scope.function.is_async

    def binding(self, name: str) -> tuple[bool, str | None]:
        """(bound, meaning) of `name` from the current scope, Python's way (class scopes are
        skipped from inside their methods). Unbound builtins mean `builtins.<name>`."""
        scope: Scope | None = self.scope
        first = True
        while scope is not None:
            if (first or scope.kind != ScopeKind.CLASS) and name in scope.bindings:
                return True, scope.bindings[name]
            first = False
            scope = scope.parent
        if name in _BUILTINS:
            return False, "builtins." + name
        return False, None

    def qualified_name(self, expr: ast.expr) -> str | None:
        """What `expr` stands for, as a dotted name: `t.sleep` -> `time.sleep` after
        `import time as t`; `client.get` -> `httpx.Client.get` after `client =
        httpx.Client()`; `Path(p).read_text` -> `pathlib.Path.read_text`; `print` ->
        `builtins.print` unless shadowed. None when it cannot be known."""
        attrs: list[str] = []
        node: ast.expr = expr
        while True:
            cls = node.__class__
            if cls is ast.Attribute:
                attrs.append(node.attr)  # type: ignore[attr-defined]
                node = node.value  # type: ignore[attr-defined]
            elif cls is ast.Name:
                base = self.binding(node.id)[1]  # type: ignore[attr-defined]
                break
            elif cls is ast.Call:
                callee = self.qualified_name(node.func)  # type: ignore[attr-defined]
                base = instance_type(callee) if callee else None
                break
            else:
                return None
        if base is None:
            return None
        if attrs:
            attrs.reverse()
            return base + "." + ".".join(attrs)
        return base

    def annotation_type(self, annotation: ast.expr | None) -> str | None:
        """The class an annotation names: `Session`, `Session | None`, `Optional[Session]`,
        `"Session"`; None for anything else."""
        node = annotation
        for _ in range(8):
            if isinstance(node, ast.Name | ast.Attribute):
                return self.qualified_name(node)
            if isinstance(node, ast.BinOp):
                left = node.left
                none = isinstance(left, ast.Constant) and left.value is None
                node = node.right if none else left
            elif isinstance(node, ast.Subscript) and self.qualified_name(node.value) in _OPTIONAL:
                node = node.slice
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value.strip()
                if not text.replace(".", "").replace("_", "").isalnum():
                    return None
                head, _, rest = text.partition(".")
                bound = self.binding(head)[1]
                if bound is None:
                    return None
                return bound + ("." + rest if rest else "")
            else:
                return None
        return None

    # --- bookkeeping the walk does itself -------------------------------------------------

    def bind(self, name: str, meaning: str | None) -> None:
        self.scope.bindings[name] = meaning

    def bind_target(self, target: ast.expr, meaning: str | None = None) -> None:
        """Bind the names an assignment target stores (tuples and stars unpacked)."""
        pending = [target]
        while pending:
            node = pending.pop()
            cls = node.__class__
            if cls is ast.Name:
                self.scope.bindings[node.id] = meaning  # type: ignore[attr-defined]
            elif cls is ast.Tuple or cls is ast.List:
                pending.extend(node.elts)  # type: ignore[attr-defined]
                meaning = None
            elif cls is ast.Starred:
                pending.append(node.value)  # type: ignore[attr-defined]
                meaning = None

    def value_type(self, value: ast.expr | None) -> str | None:
        """The type of an assigned value when it is the instance of a known class."""
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call):
            callee = self.qualified_name(value.func)
            return instance_type(callee) if callee else None
        return None

    def import_base(self, level: int) -> str | None:
        """The package a relative import with `level` dots starts from (None: above the top)."""
        parts = self.module.split(".") if self.module else []
        if not self.is_package:
            parts = parts[:-1]
        climb = level - 1
        if climb > len(parts) or (climb == len(parts) and climb > 0) or (not parts and level):
            return None
        return ".".join(parts[: len(parts) - climb])

    def record_import(self, node: ast.Import | ast.ImportFrom) -> None:
        module_level = self.scope.function.kind == ScopeKind.MODULE
        type_checking = self.type_checking > 0
        if node.__class__ is ast.Import:
            for alias in node.names:
                self.imports.append(
                    ImportRecord(alias.name, None, alias.lineno, alias.col_offset + 1,
                                 module_level, type_checking)
                )  # fmt: skip
                bound = alias.asname or alias.name.partition(".")[0]
                self.bind(bound, alias.name if alias.asname else bound)
                self.imported.add(bound)
            return
        assert isinstance(node, ast.ImportFrom)
        level = node.level or 0
        if level:
            base = self.import_base(level)
            if base is None:
                module: str | None = None
            elif node.module:
                module = base + "." + node.module if base else node.module
            else:
                module = base or None
        else:
            module = node.module
        for alias in node.names:
            self.imports.append(
                ImportRecord(module, alias.name, alias.lineno, alias.col_offset + 1,
                             module_level, type_checking, level)
            )  # fmt: skip
            if alias.name == "*":
                continue
            bound = alias.asname or alias.name
            self.bind(bound, f"{module}.{alias.name}" if module else None)
            self.imported.add(bound)

    def open_scope(self, node: ast.AST) -> None:
        cls = node.__class__
        if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.Lambda:
            kind = ScopeKind.LAMBDA if cls is ast.Lambda else ScopeKind.FUNCTION
            self.scope = scope = Scope(kind, node, self.scope, cls is ast.AsyncFunctionDef)
            args: ast.arguments = node.args  # type: ignore[attr-defined]
            bindings = scope.bindings
            for group in (args.posonlyargs, args.args, args.kwonlyargs):
                for arg in group:
                    bindings[arg.arg] = (
                        self.annotation_type(arg.annotation) if arg.annotation else None
                    )
            if args.vararg is not None:
                bindings[args.vararg.arg] = None
            if args.kwarg is not None:
                bindings[args.kwarg.arg] = None
        elif cls is ast.ClassDef:
            self.scope = Scope(ScopeKind.CLASS, node, self.scope, False)
        else:
            self.scope = Scope(ScopeKind.COMPREHENSION, node, self.scope, False)

    def close_scope(self) -> None:
        if self.scope.parent is not None:
            self.scope = self.scope.parent

    def prebind_module(self, tree: ast.Module) -> None:
        """Bind the module's top-level names first: functions refer to names that the
        module defines or imports after them (only the statements, not their bodies)."""
        pending: list[ast.stmt] = list(tree.body)
        bindings = self.scope.bindings
        while pending:
            stmt = pending.pop()
            cls = stmt.__class__
            if cls in (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef):
                bindings.setdefault(stmt.name, None)  # type: ignore[attr-defined]
            elif cls is ast.Assign:
                for target in stmt.targets:  # type: ignore[attr-defined]
                    if target.__class__ is ast.Name:
                        bindings.setdefault(target.id, self.value_type(stmt.value))  # type: ignore[attr-defined]
            elif cls is ast.AnnAssign and stmt.target.__class__ is ast.Name:  # type: ignore[attr-defined]
                bindings.setdefault(stmt.target.id, None)  # type: ignore[attr-defined]
            elif cls is ast.Import:
                for alias in stmt.names:  # type: ignore[attr-defined]
                    bound = alias.asname or alias.name.partition(".")[0]
                    bindings.setdefault(bound, alias.name if alias.asname else bound)
                    self.imported.add(bound)
            elif cls is ast.ImportFrom and not stmt.level:  # type: ignore[attr-defined]
                for alias in stmt.names:  # type: ignore[attr-defined]
                    if alias.name != "*":
                        meaning = f"{stmt.module}.{alias.name}"  # type: ignore[attr-defined]
                        bindings.setdefault(alias.asname or alias.name, meaning)
                        self.imported.add(alias.asname or alias.name)
            elif cls in (ast.If, ast.Try, ast.TryStar, ast.With, ast.For, ast.While):
                for field in ("body", "orelse", "finalbody"):
                    pending.extend(getattr(stmt, field, ()))
                for handler in getattr(stmt, "handlers", ()):
                    pending.extend(handler.body)


_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional", "typing.Annotated"})
_TYPE_CHECKING = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})


def instance_type(callee: str) -> str | None:
    """The type a call of `callee` returns, when known: a class (CapWords last component,
    PEP 8) returns its instance; a few factories are listed in FACTORIES."""
    known = FACTORIES.get(callee)
    if known is not None:
        return known
    last = callee.rpartition(".")[2]
    if last[:1].isupper() and not last.isupper():
        return callee
    return None


def _is_type_checking(walk: Walk, test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and walk.qualified_name(test) in _TYPE_CHECKING


def _record_await(walk: Walk, node: Any) -> None:
    walk.scope.function.awaits = True


def _record_yield(walk: Walk, node: Any) -> None:
    walk.scope.function.yields = True


def _record_assign(walk: Walk, node: ast.Assign) -> None:
    meaning = walk.value_type(node.value)
    for target in node.targets:
        walk.bind_target(target, meaning)


def _record_ann_assign(walk: Walk, node: ast.AnnAssign) -> None:
    walk.bind_target(node.target, walk.annotation_type(node.annotation))


def _record_target(walk: Walk, node: ast.AugAssign | ast.For) -> None:
    walk.bind_target(node.target)


def _record_async_for(walk: Walk, node: ast.AsyncFor) -> None:
    walk.scope.function.awaits = True
    walk.bind_target(node.target)


def _record_named_expr(walk: Walk, node: ast.NamedExpr) -> None:
    walk.bind_target(node.target, walk.value_type(node.value))


def _record_withitem(walk: Walk, node: ast.withitem) -> None:
    if node.optional_vars is not None:
        walk.bind_target(node.optional_vars, walk.value_type(node.context_expr))


def _record_definition(walk: Walk, node: ast.FunctionDef | ast.ClassDef) -> None:
    walk.scope.bindings[node.name] = None


def _record_named(walk: Walk, node: ast.ExceptHandler | ast.MatchAs | ast.MatchStar) -> None:
    if node.name:
        walk.scope.bindings[node.name] = None


def _record_comprehension(walk: Walk, node: ast.comprehension) -> None:
    walk.bind_target(node.target)
    if node.is_async:
        walk.scope.function.awaits = True


def _record_global(walk: Walk, node: ast.Global | ast.Nonlocal) -> None:
    for name in node.names:
        walk.scope.bindings.pop(name, None)


#: What the walk records itself, before any handler sees the node.
_BOOKKEEPING: dict[type[ast.AST], Callable[[Walk, Any], None]] = {
    ast.Await: _record_await,
    ast.AsyncWith: _record_await,
    ast.AsyncFor: _record_async_for,
    ast.Yield: _record_yield,
    ast.YieldFrom: _record_yield,
    ast.Assign: _record_assign,
    ast.AnnAssign: _record_ann_assign,
    ast.AugAssign: _record_target,
    ast.For: _record_target,
    ast.NamedExpr: _record_named_expr,
    ast.withitem: _record_withitem,
    ast.Import: Walk.record_import,
    ast.ImportFrom: Walk.record_import,
    ast.FunctionDef: _record_definition,
    ast.AsyncFunctionDef: _record_definition,
    ast.ClassDef: _record_definition,
    ast.ExceptHandler: _record_named,
    ast.MatchAs: _record_named,
    ast.MatchStar: _record_named,
    ast.comprehension: _record_comprehension,
    ast.Global: _record_global,
    ast.Nonlocal: _record_global,
}

#: Leaves (and non-nodes) that are not pushed at all unless a handler asks for them: names,
#: constants, and the operator and context singletons (`BinOp.op`, `Compare.ops`, `ctx`).
_LEAVES = frozenset(
    {type(None), ast.Name, ast.Constant, ast.Pass}
    | {
        leaf
        for base in (ast.operator, ast.boolop, ast.unaryop, ast.cmpop, ast.expr_context)
        for leaf in base.__subclasses__()
    }
)

# What the walk does with a node class besides its handlers (bits of `_Plan.kind`).
_HAS_LEAVE = 1  # push a LEAVE marker: some handler wants to see the node after its children
_IS_SCOPE = 2  # opens a scope: children in evaluation order (`_push_scope_children`)
_IS_IF = 4  # may be `if TYPE_CHECKING:`

#: Per node class: (bookkeeping, enter handlers, kind bits, child fields) — one lookup a node.
_Plan = tuple[Callable[["Walk", Any], None] | None, tuple["Handler", ...], int, tuple[str, ...]]


def _node_plan(
    cls: type, enter: dict[type, tuple[Handler, ...]], leave: dict[type, tuple[Handler, ...]]
) -> _Plan:
    kind = (_HAS_LEAVE if cls in leave else 0) | (_IS_SCOPE if cls in _SCOPE_NODES else 0)
    kind |= _IS_IF if cls is ast.If else 0
    return _BOOKKEEPING.get(cls), enter.get(cls, ()), kind, _child_fields(cls)


def _push_scope_children(push: Callable[[Any], None], walk: Walk, node: Any) -> None:
    """Push a scope node's children so that the parts evaluated outside the new scope
    (decorators, defaults, annotations, bases) come first, then OPEN, the body, LEAVE."""
    cls = node.__class__
    push((_LEAVE, node))
    if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef:
        for stmt in reversed(node.body):
            push(stmt)
        push((_OPEN, node))
        if node.returns is not None:
            push(node.returns)
        push(node.args)
        for decorator in reversed(node.decorator_list):
            push(decorator)
    elif cls is ast.Lambda:
        push(node.body)
        push((_OPEN, node))
        push(node.args)
    elif cls is ast.ClassDef:
        for stmt in reversed(node.body):
            push(stmt)
        push((_OPEN, node))
        for keyword in reversed(node.keywords):
            push(keyword)
        for base in reversed(node.bases):
            push(base)
        for decorator in reversed(node.decorator_list):
            push(decorator)
    else:  # comprehensions: one scope for the whole expression, opened now
        walk.open_scope(node)
        for generator in reversed(node.generators):
            push(generator)
        if cls is ast.DictComp:
            push(node.value)
            push(node.key)
        else:
            push(node.elt)


def walk_tree(walk: Walk, tree: ast.Module, enter: dict[type, tuple[Handler, ...]],
              leave: dict[type, tuple[Handler, ...]]) -> None:  # fmt: skip
    """Walk `tree` once, in source order, calling the handlers and keeping `walk` current.

    Iterative (an explicit stack), so a deeply nested tree cannot exhaust Python's stack.
    Per node the cost is a few dictionary lookups: which bookkeeping, which handlers, which
    child fields; leaves nobody handles (names, constants) are never pushed.
    """
    walk.prebind_module(tree)
    stack: list[Any] = list(reversed(tree.body))
    push = stack.append
    pop = stack.pop
    plans: dict[type, _Plan] = {}
    skip = _LEAVES - enter.keys() - leave.keys()
    no_handlers: tuple[Handler, ...] = ()
    while stack:
        node = pop()
        cls = node.__class__
        if cls is tuple:
            op, target = node
            if op == _LEAVE:
                for handler in leave.get(target.__class__, no_handlers):
                    handler(target)
                if target.__class__ in _SCOPE_NODES:
                    walk.close_scope()
            elif op == _OPEN:
                walk.open_scope(target)
            else:
                walk.type_checking -= 1
            continue
        plan = plans.get(cls)
        if plan is None:
            plan = plans[cls] = _node_plan(cls, enter, leave)
        record, handlers, kind, fields = plan
        if record is not None:
            record(walk, node)
        for handler in handlers:
            handler(node)
        if kind:
            if kind & _IS_SCOPE:
                _push_scope_children(push, walk, node)
                continue
            if kind & _HAS_LEAVE:
                push((_LEAVE, node))
            if kind & _IS_IF and _is_type_checking(walk, node.test):
                for stmt in reversed(node.orelse):
                    push(stmt)
                push((_END_TYPE_CHECKING, node))
                for stmt in reversed(node.body):
                    push(stmt)
                walk.type_checking += 1
                continue
        for field in fields:
            value = getattr(node, field)
            if value.__class__ is list:
                for child in reversed(value):
                    if child.__class__ not in skip:
                        push(child)
            elif value.__class__ not in skip:
                push(value)


# ---------------------------------------------------------------------------------------------
# plans: which check classes run for a (policy, path), with their compiled configuration


@dataclass(frozen=True, slots=True)
class _Planned:
    check: type[Check[Any]]
    settings: CheckSettings
    config: Any


_HANDLERS: dict[type, tuple[tuple[str, type[ast.AST], str], ...]] = {}
_CONFIGS: dict[tuple[int, str], tuple[CheckSettings, Any]] = {}
_PLANS: dict[tuple[int, tuple[bool, ...]], tuple[Policy, tuple[_Planned, ...]]] = {}


def check_class(slug: str) -> type[Check[Any]] | None:
    """The walker check a slug's module exposes as `CHECK`, or None."""
    info = BY_SLUG.get(slug)
    if info is None:
        return None
    try:
        module = importlib.import_module(info.module)
    except ModuleNotFoundError as error:
        if error.name != info.module:
            raise
        return None  # a check whose module is not written (yet)
    found = getattr(module, "CHECK", None)
    return found if isinstance(found, type) and issubclass(found, Check) else None


def _concrete(node_type: type[ast.AST]) -> Iterator[type[ast.AST]]:
    pending = [node_type]
    while pending:
        current = pending.pop()
        subclasses = current.__subclasses__()
        if current._fields or not subclasses:
            yield current  # concrete (deprecated aliases such as ast.Num are never built)
        else:
            pending.extend(subclasses)


def handler_table(check: type[Check[Any]]) -> tuple[tuple[str, type[ast.AST], str], ...]:
    """(enter|leave, node class, method name) for every handler method of `check`."""
    table = _HANDLERS.get(check)
    if table is None:
        rows: list[tuple[str, type[ast.AST], str]] = []
        for name in dir(check):
            when, _, node_name = name.partition("_")
            if when not in ("enter", "leave") or not node_name:
                continue
            node_type = vars(ast).get(node_name)
            if not (isinstance(node_type, type) and issubclass(node_type, ast.AST)):
                raise TypeError(f"{check.__name__}.{name}: ast has no node class {node_name}")
            rows.extend((when, concrete, name) for concrete in _concrete(node_type))
        table = _HANDLERS[check] = tuple(rows)
    return table


def _plan(policy: Policy, path: str) -> tuple[_Planned, ...]:
    enabled = [(slug, policy.checks[slug]) for slug in walker_checks() if slug in policy.checks]
    applies = tuple(settings.applies_to(path) for _, settings in enabled)
    key = (id(policy), applies)
    cached = _PLANS.get(key)
    if cached is not None and cached[0] is policy:
        return cached[1]
    planned: list[_Planned] = []
    for (slug, settings), runs in zip(enabled, applies, strict=True):
        check = check_class(slug) if runs else None
        if check is None:
            continue
        config_key = (id(settings), slug)
        configured = _CONFIGS.get(config_key)
        if configured is None or configured[0] is not settings:
            configured = _CONFIGS[config_key] = (settings, check.configure(settings))
        planned.append(_Planned(check, settings, configured[1]))
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[key] = (policy, tuple(planned))
    return tuple(planned)


def check_python(path: str, text: str, tree: ast.Module, policy: Policy) -> PythonResult:
    """Run every enabled code check that applies to `path` in one walk over `tree`.

    Returns the findings for the whole file (the engine keeps those on changed lines and
    applies the suppression stage afterwards), and every import the file makes.
    """
    walk = Walk(path, text, policy)
    enter: dict[type, list[Handler]] = {}
    leave: dict[type, list[Handler]] = {}
    for planned in _plan(policy, path):
        if planned.check.skips(planned.config, path):
            continue
        instance = planned.check(walk, planned.settings, planned.config)
        for when, node_type, name in handler_table(planned.check):
            table = enter if when == "enter" else leave
            table.setdefault(node_type, []).append(getattr(instance, name))
    try:
        walk_tree(walk, tree, {k: tuple(v) for k, v in enter.items()},
                  {k: tuple(v) for k, v in leave.items()})  # fmt: skip
    except RecursionError:
        _too_deep(walk, policy)
    return PythonResult(walk.findings, tuple(walk.imports))


@dataclass(frozen=True, slots=True)
class BlobResult:
    """What checking one Python blob gives the engine: everything it needs afterwards.

    `findings` cover the whole file, with their source lines filled in (so a result kept
    across runs never needs the blob again); `imports` feed the architecture checks (None
    when the file was not walked); `lone_cr`: the text has a lone CR, which Python counts
    as a line break and git does not, so git's added line numbers do not apply;
    `suppressions`: its inline suppression comments, for the suppression stage.
    """

    findings: tuple[Finding, ...]
    imports: tuple[ImportRecord, ...] | None
    lone_cr: bool
    suppressions: tuple[Suppression, ...] = ()


def check_blob(path: str, data: bytes, policy: Policy) -> BlobResult:
    """Decode, parse and walk one Python blob (a file that does not parse is a finding)."""
    from agent_guard.checks.pysource import SourceError, decode, parse
    from agent_guard.suppressions import find_suppressions

    try:
        text = decode(data)
    except SourceError as error:
        return BlobResult(tuple(_unparsable(path, error, policy)), (), False)
    lines = text.splitlines()
    lone_cr = "\r" in text and text.count("\r") != text.count("\r\n")
    suppressions = tuple(find_suppressions(text).values())
    try:
        tree = parse(text, path)
    except SourceError as error:
        unparsable = _unparsable(path, error, policy)
        return BlobResult(_sourced(unparsable, lines), (), lone_cr, suppressions)
    result = check_python(path, text, tree, policy)
    return BlobResult(_sourced(result.findings, lines), result.imports, lone_cr, suppressions)


def _sourced(findings: Sequence[Finding], lines: list[str]) -> tuple[Finding, ...]:
    return tuple(
        finding
        if finding.source is not None or not 0 < finding.line <= len(lines)
        else replace(finding, source=lines[finding.line - 1].rstrip())
        for finding in findings
    )


def _unparsable(path: str, error: SourceError, policy: Policy) -> list[Finding]:
    settings = policy.enabled("syntax-error")
    if settings is None or not settings.applies_to(path):
        return []
    finding = make_finding(
        settings,
        path,
        error.line,
        error.column,
        f"this file does not parse: {error.message}",
        "fix the syntax error; no other check can read this file until you do",
    )
    return [replace(finding, file_level=True)]


def too_large(path: str, size: int, limit: int, policy: Policy) -> BlobResult:
    """A Python file over the size limit needs an approver: no code check has read it.

    An escalation, not a warning: padding a file past the limit would otherwise carry any
    code (a print(), a forbidden import) past every check with a warning that does not
    block. Its secrets are still scanned (the content unit streams large blobs).
    """
    settings = policy.enabled("syntax-error")
    if settings is None or not settings.applies_to(path):
        return BlobResult((), None, False)
    message = (
        f"too large to check: needs an approver ({size / 2**20:.1f} MB > "
        f"{limit / 2**20:g} MB; no code check read it)"
    )
    fix = (
        "split the file, or move data out of Python source; or ask an approver to review "
        "it and approve this change"
    )
    finding = make_finding(settings, path, 1, 1, message, fix)
    return BlobResult((replace(finding, file_level=True, severity=Severity.ESCALATE),), None, False)


def _too_deep(walk: Walk, policy: Policy) -> None:
    """A tree too deep to walk is reported like a file that does not parse."""
    from agent_guard.checks.pysource import SourceError
    from agent_guard.checks.syntax_error import syntax_error_finding

    settings = policy.checks.get("syntax-error")
    if settings is not None and settings.applies_to(walk.path):
        error = SourceError("too deeply nested to check")
        walk.findings.append(syntax_error_finding(walk.path, error, settings))
