"""logic-in-route (AG107): business logic inside a route handler.

## What it does
Finds real HTTP route handlers and reports those that contain business logic. Routes are:

- functions decorated with `X.get/post/put/patch/delete/head/options/api_route/route/
  websocket(...)` where `X` is a FastAPI, Starlette or Flask application or router
  (`FastAPI()`, `APIRouter()`, `Starlette()`, `Flask()`, `Blueprint()`, resolved through
  imports); when `X` is only known by its name (the option `app_names`, such as an `app`
  imported from another module), the decorator must also name a URL path (`"/items"`, `""`,
  `path=...`) — so a chat-bot listener (`@app.options("action_id")`) is not a route;
- Django views: in a `views.py` module or `views/` package, module-level functions whose
  first parameter is `request`; and the `get/post/put/patch/delete` methods of classes based
  on a `...View`, `...ViewSet` or `...APIView` (Django, DRF);
- functions decorated with DRF's `@api_view`.

Business logic is:

- a loop (`for`, `async for`, `while`);
- branching deeper than one level (an `if`/`match` inside another; `elif` is one level);
- a direct persistence call: `session.add/commit/delete/execute/query/...` on a SQLAlchemy
  (async) session or a name in `session_names`, an ORM `.save()`, a Django write
  (`Model.objects.create/update/delete/bulk_create/...`);
- more than `max_statements` statements (default 12; nested functions' bodies not counted),
  where straight-line glue does not count: assignments, `return`, `raise`, `assert`, `pass`
  and imports (a handler that reads the request into names and builds its response from
  them is an adapter, however long), nor markup builders (`with tag.div(): tag.p("text")`:
  a `with` without `as` and the bare calls in it). What counts are the branches, `try`,
  `with` and bare calls.

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

from agent_guard.checks.fingerprint import parts_extra
from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import (
    Check,
    ScopeKind,
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
        "statements (not assignments, returns, raises) a route handler may have before it is logic",
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

VIEW_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
VIEW_BASES = ("View", "ViewSet", "APIView", "ViewSetMixin")
DJANGO_WRITES = frozenset(
    {"create", "update", "delete", "bulk_create", "bulk_update", "get_or_create",
     "update_or_create"}
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


#: Statements that are never logic by themselves (assignments, returns, raises).
_STRAIGHT_LINE = (
    ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return, ast.Raise, ast.Pass, ast.Assert,
    ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal,
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
        self.markup: set[int] = set()  # statements directly inside a `with` without `as`

    # --- which functions are routes -------------------------------------------------------

    def is_route(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if (self.walk.qualified_name(target) or "").endswith("api_view"):
                return True  # DRF
            if not isinstance(decorator, ast.Call):
                continue
            func = decorator.func
            if not isinstance(func, ast.Attribute) or func.attr not in ROUTE_METHODS:
                continue
            known = self.is_app(func.value)
            if known is True or (known is None and _names_a_path(decorator)):
                return True
        return False

    def is_view(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """A Django function view, or an HTTP method of a class-based view."""
        scope = self.walk.scope
        if scope.kind == ScopeKind.MODULE:
            params = [*node.args.posonlyargs, *node.args.args]
            in_views = self.walk.path.endswith("views.py") or "/views/" in self.walk.path
            return in_views and bool(params) and params[0].arg == "request"
        owner = scope.node
        if scope.kind != ScopeKind.CLASS or not isinstance(owner, ast.ClassDef):
            return False
        if node.name not in VIEW_METHODS:
            return False
        for base in owner.bases:
            name = self.walk.qualified_name(base) or ast.unparse(base)
            if name.rpartition(".")[2].endswith(VIEW_BASES):
                return True
        return False

    def is_app(self, receiver: ast.expr) -> bool | None:
        """True: an app or router type; None: only its name says so; False: not one."""
        name = self.walk.qualified_name(receiver)
        if name is not None and name in self.config.app_types:
            return True
        if name is not None:
            last = name.rpartition(".")[2]
            return None if last in self.config.app_names and "." in name else False
        named = isinstance(receiver, ast.Name) and receiver.id in self.config.app_names
        return None if named else False

    def _enter_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if (node.decorator_list and self.is_route(node)) or self.is_view(node):
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
                extra=(parts_extra(route.reasons),),  # a reason is old or new on its own
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
            if route is not None and not self._is_data_or_markup(node):
                route.statements += 1

    def _is_data_or_markup(self, node: ast.stmt) -> bool:
        """Literal data and markup-builder statements are not logic (see the docs)."""
        if isinstance(node, ast.With | ast.AsyncWith):
            if all(item.optional_vars is None for item in node.items):
                self.markup.update(id(stmt) for stmt in node.body)
                return True
            return False
        if isinstance(node, ast.Expr) and id(node) in self.markup:
            return isinstance(node.value, ast.Call)
        # Straight-line glue: a handler that reads the request into names, builds the
        # response and returns it (or raises an HTTP error) does no business logic however
        # many such lines it has; its loops, branches, calls and writes are what count.
        return isinstance(node, _STRAIGHT_LINE)

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
        elif (func.attr in DJANGO_WRITES and _on_objects(func.value)) or (
            func.attr in PERSISTENCE_METHODS and self.is_session(func.value)
        ):
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


def _names_a_path(decorator: ast.Call) -> bool:
    """The route decorator names a URL path: `"/items"`, `""`, `path="/items"`."""
    for keyword in decorator.keywords:
        if keyword.arg in ("path", "rule"):
            return True
    if not decorator.args:
        return False
    first = decorator.args[0]
    if isinstance(first, ast.JoinedStr):
        return True
    return (
        isinstance(first, ast.Constant)
        and isinstance(first.value, str)
        and (first.value == "" or first.value.startswith("/"))
    )


def _on_objects(receiver: ast.expr) -> bool:
    """`Model.objects` or `Model.objects.filter(...)`: a Django manager or queryset."""
    node = receiver
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value
    return isinstance(node, ast.Attribute) and node.attr == "objects"


def _has_docstring(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    first = node.body[0] if node.body else None
    is_doc = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    return 1 if is_doc else 0


CHECK = LogicInRoute
