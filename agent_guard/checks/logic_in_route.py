"""logic-in-route (AG107): business logic inside a route handler.

## What it does
Finds route handlers — functions decorated with `X.get/post/put/patch/delete/head/options/
api_route/route/websocket(...)` where `X` is a FastAPI, Starlette or Flask application or
router (`FastAPI()`, `APIRouter()`, `Starlette()`, `Flask()`, `Blueprint()`, resolved
through imports; or a name in the option `app_names`, such as an `app` imported from another
module) — and reports those that contain business logic:

- a loop (`for`, `async for`, `while`);
- branching deeper than one level (an `if`/`match` inside another; `elif` is one level);
- a direct persistence call: `session.add/commit/delete/execute/query/...` on a SQLAlchemy
  (async) session or a name in `session_names`, or an ORM `.save()`;
- more than `max_statements` statements (default 12; nested functions' bodies not counted).

Code in functions nested inside the handler is not the handler's.

## Why is this bad?
A route handler is an adapter: it turns HTTP into a call and the result back into HTTP. Logic
inside it cannot be reused by a worker, a CLI or another route, is tested only through HTTP,
and mixes transport concerns with rules of the business. The rule file lists "placing
business logic inside route handlers" as a top mistake and asks for "clear separation between
routing, business logic, and integrations".

## Example
```python
@router.post("/orders")
async def create_order(body: OrderIn, session: AsyncSession = Depends(get_session)) -> OrderOut:
    for line in body.lines:
        if line.quantity > 10:
            if not body.customer.vip:
                raise HTTPException(400)
    order = Order(**body.model_dump())
    session.add(order)
    await session.commit()
    return OrderOut.model_validate(order)
```

## Fix
Move the logic into a service function (`services/orders.py: async def create_order(session,
data) -> Order`) and call it from the route:
```python
@router.post("/orders")
async def create_order(body: OrderIn, service: OrderService = Depends()) -> OrderOut:
    return OrderOut.model_validate(await service.create(body))
```
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import (
    Check,
    Walk,
    function_scope,
    option,
    option_strings,
)
from agent_guard.policy.model import CheckSettings

OPTIONS: tuple[Option[Any], ...] = (
    Option(
        "max_statements",
        Kind.INT,
        12,
        "statements a route handler may have before it is business logic",
    ),
    Option(
        "app_names",
        Kind.STRINGS,
        ["app", "router", "api", "api_router", "bp", "blueprint"],
        "names of the app or router objects whose decorated functions are routes",
    ),
    Option(
        "app_types",
        Kind.STRINGS,
        [
            "fastapi.FastAPI", "fastapi.APIRouter", "fastapi.routing.APIRouter",
            "starlette.applications.Starlette", "starlette.routing.Router",
            "flask.Flask", "flask.Blueprint", "flask.blueprints.Blueprint",
        ],
        "classes whose instances are an app or router",
    ),
    Option(
        "session_names",
        Kind.STRINGS,
        ["session", "db", "db_session", "sess"],
        "names of database sessions (a query in a route is business logic)",
    ),
)  # fmt: skip

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "api_route", "route", "websocket"}
)
PERSISTENCE_METHODS = frozenset(
    {"add", "add_all", "commit", "delete", "execute", "query", "flush", "merge", "refresh",
     "bulk_save_objects", "scalars", "scalar"}
)  # fmt: skip
SESSION_TYPES = frozenset(
    {"sqlalchemy.orm.Session", "sqlalchemy.orm.session.Session", "sqlmodel.Session",
     "sqlalchemy.ext.asyncio.AsyncSession", "sqlmodel.ext.asyncio.session.AsyncSession"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Config:
    max_statements: int
    app_names: frozenset[str]
    app_types: frozenset[str]
    session_names: frozenset[str]


@dataclass(slots=True)
class _Route:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    statements: int = 0
    reasons: list[str] = field(default_factory=list)
    ifs: list[bool] = field(default_factory=list)  # open if/match statements: True for elif
    deep: bool = False
    persistence: bool = False


class LogicInRoute(Check[Config]):
    slug = "logic-in-route"

    @classmethod
    def configure(cls, settings: CheckSettings) -> Config:
        maximum = option(settings, OPTIONS, "max_statements")
        return Config(
            maximum if isinstance(maximum, int) else 12,
            frozenset(option_strings(settings, OPTIONS, "app_names")),
            frozenset(option_strings(settings, OPTIONS, "app_types")),
            frozenset(option_strings(settings, OPTIONS, "session_names")),
        )

    def __init__(self, walk: Walk, settings: CheckSettings, config: Config) -> None:
        super().__init__(walk, settings, config)
        self.routes: list[_Route] = []
        self.elifs: set[ast.If] = set()

    # --- which functions are routes -------------------------------------------------------

    def is_route(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call):
                continue
            func = decorator.func
            if not isinstance(func, ast.Attribute) or func.attr not in ROUTE_METHODS:
                continue
            if self.is_app(func.value):
                return True
        return False

    def is_app(self, receiver: ast.expr) -> bool:
        name = self.walk.qualified_name(receiver)
        if name is not None and name in self.config.app_types:
            return True
        if name is not None:
            return name.rpartition(".")[2] in self.config.app_names and "." in name
        return isinstance(receiver, ast.Name) and receiver.id in self.config.app_names

    def _enter_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.decorator_list and self.is_route(node):
            self.routes.append(_Route(node))

    def _leave_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if not self.routes or self.routes[-1].node is not node:
            return
        route = self.routes.pop()
        statements = route.statements - _has_docstring(node)
        if statements > self.config.max_statements:
            route.reasons.append(
                f"{statements} statements (more than {self.config.max_statements})"
            )
        if route.reasons:
            self.report(
                node,
                f"route handler `{node.name}` contains business logic: " + "; ".join(route.reasons),
                f"move the logic into a service function and call it from `{node.name}`; "
                "the handler should only translate the request and the response",
                scope=function_scope(node),
            )

    enter_FunctionDef = _enter_def
    enter_AsyncFunctionDef = _enter_def
    leave_FunctionDef = _leave_def
    leave_AsyncFunctionDef = _leave_def

    # --- what the route's own body does ---------------------------------------------------

    def _current(self) -> _Route | None:
        """The route whose own body the walk is in (not a function nested in it)."""
        if self.routes and self.walk.scope.function.node is self.routes[-1].node:
            return self.routes[-1]
        return None

    def enter_stmt(self, node: ast.stmt) -> None:
        if self.routes:
            route = self._current()
            if route is not None:
                route.statements += 1

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While) -> None:
        route = self._current() if self.routes else None
        if route is not None:
            keyword = {ast.For: "for", ast.AsyncFor: "async for", ast.While: "while"}
            route.reasons.append(f"a `{keyword[node.__class__]}` loop at line {node.lineno}")

    enter_For = _loop
    enter_AsyncFor = _loop
    enter_While = _loop

    def _open_branch(self, node: ast.If | ast.Match, is_elif: bool) -> None:
        route = self._current() if self.routes else None
        if route is None:
            return
        route.ifs.append(is_elif)
        depth = sum(1 for elif_ in route.ifs if not elif_)
        if depth >= 2 and not route.deep:
            route.deep = True
            route.reasons.append(f"branching nested {depth} levels deep at line {node.lineno}")

    def _close_branch(self, node: ast.If | ast.Match) -> None:
        route = self._current() if self.routes else None
        if route is not None and route.ifs:
            route.ifs.pop()

    def enter_If(self, node: ast.If) -> None:
        if not self.routes:
            return
        # an `elif` is an If alone in its parent's `orelse`, at the parent's column
        orelse = node.orelse
        inner = orelse[0] if len(orelse) == 1 else None
        if isinstance(inner, ast.If) and inner.col_offset == node.col_offset:
            self.elifs.add(inner)
        self._open_branch(node, node in self.elifs)

    def enter_Match(self, node: ast.Match) -> None:
        self._open_branch(node, False)

    leave_If = _close_branch
    leave_Match = _close_branch

    def enter_Call(self, node: ast.Call) -> None:
        route = self._current() if self.routes else None
        if route is None or route.persistence:
            return
        func = node.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr == "save" and not node.args:
            shown = "`.save()`"
        elif func.attr in PERSISTENCE_METHODS and self.is_session(func.value):
            shown = f"`{ast.unparse(func)}()`"
        else:
            return
        route.persistence = True
        route.reasons.append(f"a direct persistence call {shown} at line {node.lineno}")

    def is_session(self, receiver: ast.expr) -> bool:
        if isinstance(receiver, ast.Name) and receiver.id in self.config.session_names:
            return True
        if isinstance(receiver, ast.Attribute) and receiver.attr in self.config.session_names:
            return True
        return self.walk.qualified_name(receiver) in SESSION_TYPES


def _has_docstring(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0] if node.body else None
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    return 1 if is_doc else 0


CHECK = LogicInRoute
