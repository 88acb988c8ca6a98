"""The walker through its public API: imports, scopes, options, plug-in checks, robustness."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Mapping
from typing import Any

import pytest

from agent_guard.checks.pysource import ImportRecord
from agent_guard.checks.python import (
    Check,
    PythonResult,
    Walk,
    check_python,
    handler_table,
    walk_tree,
)
from agent_guard.checks.registry import BY_SLUG, CHECKS
from agent_guard.globs import GlobSet
from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings, Policy


def policy(*slugs: str, options: Mapping[str, Mapping[str, object]] | None = None) -> Policy:
    chosen = slugs or tuple(info.slug for info in CHECKS)
    return Policy(
        checks={
            slug: CheckSettings(
                slug, BY_SLUG[slug].default_severity, options=(options or {}).get(slug, {})
            )
            for slug in chosen
        }
    )


def run(source: str, pol: Policy, path: str = "app/service.py") -> PythonResult:
    text = textwrap.dedent(source)
    return check_python(path, text, ast.parse(text), pol)


def codes(result: PythonResult) -> list[tuple[int, str]]:
    return sorted((finding.line, finding.code) for finding in result.findings)


# --- imports ---------------------------------------------------------------------------------


def test_imports_are_recorded_resolved_and_located() -> None:
    source = """\
        import os.path
        from . import sibling
        from ..core import models as m
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from app.db import Session

        def f() -> None:
            import json
        """
    result = run(source, policy(), path="app/api/routes.py")
    assert result.imports == (
        ImportRecord("os.path", None, 1, 8, True, False),
        ImportRecord("app.api", "sibling", 2, 15, True, False, 1),
        ImportRecord("app.core", "models", 3, 20, True, False, 2),
        ImportRecord("typing", "TYPE_CHECKING", 4, 20, True, False),
        ImportRecord("app.db", "Session", 6, 24, True, True),
        ImportRecord("json", None, 9, 12, False, False),
    )


def test_relative_imports_in_a_package_init_and_above_the_top() -> None:
    source = "from . import a\nfrom .. import b\n"
    package = run(source, policy(), path="pkg/sub/__init__.py").imports
    assert [(r.module, r.name) for r in package] == [("pkg.sub", "a"), ("pkg", "b")]
    top = run(source, policy(), path="single.py").imports
    assert [r.module for r in top] == [None, None]


def test_imports_are_collected_even_when_no_check_is_enabled() -> None:
    result = run("import requests\n", Policy())
    assert [r.module for r in result.imports] == ["requests"]
    assert result.findings == []


# --- which checks run ---------------------------------------------------------------------


def test_only_enabled_checks_that_apply_to_the_path_run() -> None:
    source = "def f(x=[]):\n    print(x)\n"
    assert codes(run(source, policy("print-call"))) == [(2, "AG102")]
    excluded = Policy(
        checks={
            "print-call": CheckSettings(
                "print-call", Severity.ERROR, exclude=GlobSet(("app/**",), ((r"app/.*", True),))
            )
        }
    )
    assert codes(run(source, excluded)) == []


def test_findings_carry_rule_severity_fix_and_function_scope() -> None:
    source = """\
        import functools

        @functools.cache
        async def f():
            return 1
        """
    (finding,) = run(source, policy("async-without-await")).findings
    assert (finding.line, finding.column, finding.scope) == (4, 1, (3, 5))
    assert finding.severity is Severity.WARNING
    assert "plain `def`" in finding.fix


def test_missing_annotation_scope_is_the_signature_only() -> None:
    source = "def f(\n    a,\n):\n    x = 1\n    return x\n"
    (finding,) = run(source, policy("missing-annotation")).findings
    assert finding.scope == (1, 3)
    assert "`a`" in finding.message and "return type" in finding.message


# --- options ----------------------------------------------------------------------------------


def test_mutable_calls_option() -> None:
    source = "def f(a=list(), b=dict()) -> None: ...\n"
    only_dict = policy("mutable-default", options={"mutable-default": {"mutable_calls": ["dict"]}})
    assert codes(run(source, only_dict)) == [(1, "AG101")]
    assert run(source, only_dict).findings[0].column == 19


def test_print_call_test_patterns_option() -> None:
    source = "print('x')\n"
    assert codes(run(source, policy("print-call"), path="tests/test_a.py")) == []
    everywhere = policy("print-call", options={"print-call": {"test_patterns": []}})
    assert codes(run(source, everywhere, path="tests/test_a.py")) == [(1, "AG102")]


def test_broad_except_require_exc_info_and_logger_names() -> None:
    source = """\
        def f(job, audit):
            try:
                job()
            except Exception:
                audit.error("failed")
        """
    assert codes(run(source, policy("broad-except"))) == [(4, "AG103")]
    relaxed = policy(
        "broad-except",
        options={"broad-except": {"require_exc_info": False, "logger_names": ["audit"]}},
    )
    assert codes(run(source, relaxed)) == []


def test_blocking_calls_are_extendable_and_the_fix_names_the_async_way() -> None:
    source = """\
        import time
        import mylib

        async def f():
            mylib.fetch_all()
            time.sleep(1)
        """
    default = run(source, policy("blocking-in-async"))
    assert codes(default) == [(6, "AG104")]
    assert "asyncio.sleep" in default.findings[0].fix
    extended = policy(
        "blocking-in-async",
        options={"blocking-in-async": {"extra_blocking_calls": {"mylib.fetch_*": "mylib.aio"}}},
    )
    result = run(source, extended)
    assert codes(result) == [(5, "AG104"), (6, "AG104")]
    assert "mylib.aio" in result.findings[0].fix


def test_logic_in_route_options() -> None:
    source = """\
        from web import server

        @server.get("/x")
        def x() -> int:
            server.log("x")
            server.log("y")
            return 0
        """
    assert codes(run(source, policy("logic-in-route"))) == []
    configured = policy(
        "logic-in-route",
        options={"logic-in-route": {"app_names": ["server"], "max_statements": 1}},
    )
    assert codes(run(source, configured)) == [(4, "AG107")]


# --- robustness -------------------------------------------------------------------------------


def _at(node: ast.expr) -> ast.expr:
    """Give a hand-built expression a location (ast.fix_missing_locations itself recurses)."""
    node.lineno = node.end_lineno = 1
    node.col_offset = node.end_col_offset = 0
    return node


def _stmt_at(node: ast.stmt) -> ast.stmt:
    """Give a hand-built statement a location."""
    node.lineno = node.end_lineno = 1
    node.col_offset = node.end_col_offset = 0
    return node


def test_a_deeply_nested_tree_does_not_crash_the_walker() -> None:
    expr: ast.expr = _at(ast.Constant(1))
    for _ in range(50_000):
        expr = _at(ast.BinOp(left=expr, op=ast.Add(), right=_at(ast.Constant(1))))
    tree = ast.Module(body=[_stmt_at(ast.Expr(expr))], type_ignores=[])
    assert check_python("deep.py", "", tree, policy()).findings == []


def test_a_tree_too_deep_to_resolve_becomes_a_syntax_error_finding() -> None:
    call: ast.expr = _at(ast.Name("f", ast.Load()))
    for _ in range(20_000):
        call = _at(ast.Call(func=call, args=[], keywords=[]))
    sleep = _at(ast.Attribute(call, "sleep", ast.Load()))
    body = _stmt_at(ast.Expr(_at(ast.Call(func=sleep, args=[], keywords=[]))))
    function = _stmt_at(
        ast.AsyncFunctionDef(  # by keyword: Python 3.12 added a field (type_params)
            name="f",
            args=ast.arguments([], [], None, [], [], None, []),
            body=[body],
            decorator_list=[],
            returns=None,
        )
    )
    tree = ast.Module(body=[function], type_ignores=[])
    findings = check_python("deep.py", "", tree, policy()).findings
    (too_deep,) = [f for f in findings if f.code == "AG108"]  # findings before it are kept
    assert "too deeply nested" in too_deep.message


def test_type_checking_blocks_are_marked_and_else_branches_are_not() -> None:
    source = """\
        import typing
        if typing.TYPE_CHECKING:
            import a
        else:
            import b
        """
    records = run(source, Policy()).imports
    assert [(r.module, r.type_checking) for r in records] == [
        ("typing", False),
        ("a", True),
        ("b", False),
    ]


# --- the plug-in interface --------------------------------------------------------------------


class _Recorder(Check[None]):
    slug = "print-call"

    def __init__(self, walk: Walk, settings: CheckSettings, config: None) -> None:
        super().__init__(walk, settings, config)
        self.events: list[str] = []

    def enter_stmt(self, node: ast.stmt) -> None:
        self.events.append(f"stmt {node.__class__.__name__} in {self.walk.scope.kind}")

    def leave_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        scope = self.walk.scope
        self.events.append(f"leave {node.name} awaits={scope.awaits} async={scope.is_async}")

    def enter_Call(self, node: ast.Call) -> None:
        self.events.append(f"call {self.walk.qualified_name(node.func)}")


def test_a_plugged_in_check_sees_scopes_and_resolved_names() -> None:
    source = textwrap.dedent(
        """\
        import time as t
        async def f():
            await g()
            t.sleep(1)
        """
    )
    walk = Walk("app/x.py", source, Policy())
    recorder = _Recorder(walk, CheckSettings("print-call", Severity.ERROR), None)
    enter: dict[type, list[Any]] = {}
    leave: dict[type, list[Any]] = {}
    for when, node_type, name in handler_table(_Recorder):
        (enter if when == "enter" else leave).setdefault(node_type, []).append(
            getattr(recorder, name)
        )
    walk_tree(
        walk,
        ast.parse(source),
        {k: tuple(v) for k, v in enter.items()},
        {k: tuple(v) for k, v in leave.items()},
    )
    assert recorder.events == [
        "stmt Import in module",
        "stmt AsyncFunctionDef in module",
        "stmt Expr in function",
        "call None",
        "stmt Expr in function",
        "call time.sleep",
        "leave f awaits=True async=True",
    ]


def test_a_handler_for_a_node_class_ast_does_not_have_is_refused() -> None:
    class Broken(Check[None]):
        slug = "print-call"

        def enter_Nonsense(self, node: ast.AST) -> None:
            return None

    with pytest.raises(TypeError, match="enter_Nonsense"):
        handler_table(Broken)


# --- documentation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "info", [info for info in CHECKS if info.family in ("python", "commit")], ids=str
)
def test_every_check_module_documents_itself_and_declares_options(info: object) -> None:
    import importlib

    from agent_guard.checks.registry import CheckInfo, documentation

    assert isinstance(info, CheckInfo)
    text = documentation(info)
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Fix"):
        assert section in text, (info.slug, section)
    module = importlib.import_module(info.module)
    from agent_guard.checks.options import Option

    assert isinstance(module.OPTIONS, tuple)
    assert all(isinstance(option, Option) and option.doc for option in module.OPTIONS)
