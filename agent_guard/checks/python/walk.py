"""The single walk: one iterative pass over a tree that keeps `Walk` up to date and calls
the handlers the enabled checks registered for each node type, before and after its
children (see the package docstring).
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from agent_guard.checks.python.scopes import _TYPE_CHECKING, Handler, Walk

if TYPE_CHECKING:
    pass


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
