"""Scopes and bindings: what a name means where the walk is (imports, aliases, instances).

`Walk` is the state of one walk that check handlers read: the current `Scope`, the names
each scope binds (`binding`), and what an expression stands for (`qualified_name`,
`annotation_type`), with `instance_type` for calls that make an instance.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent_guard.checks.pysource import ImportRecord, module_name
from agent_guard.model import Finding
from agent_guard.policy.model import Policy

if TYPE_CHECKING:
    pass


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
        "_function", "awaits", "bindings", "depth", "is_async", "kind", "node", "parent", "yields"
    )  # fmt: skip

    def __init__(self, kind: str, node: ast.AST, parent: Scope | None, is_async: bool) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.is_async = is_async
        self.bindings: dict[str, str | None] = {}
        self.awaits = False  # an await, async for/with or async comprehension in its own body
        self.yields = False  # a yield in its own body (an async def that yields is a generator)
        # None for a scope that is its own function: a reference to itself would make every
        # scope a cycle, and its node's whole subtree garbage only the collector can free.
        self._function = parent.function if kind == ScopeKind.COMPREHENSION and parent else None
        base: int = parent.depth if parent is not None else 0
        self.depth: int = base + (kind in (ScopeKind.FUNCTION, ScopeKind.LAMBDA))

    @property
    def function(self) -> Scope:
        """The nearest enclosing scope that is not a comprehension (this one, if it is not)."""
        return self._function or self


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
