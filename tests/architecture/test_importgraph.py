"""The module index, relative-import resolution and the fast scanner against the parser."""

from __future__ import annotations

import ast
import sysconfig
import textwrap
from pathlib import Path

import pytest

from agent_guard.checks.importgraph import (
    ModuleIndex,
    ScanFailed,
    extract_imports,
    resolve_relative,
    scan_imports,
)


def test_roots_src_layout_nested_packages_and_namespaces() -> None:
    index = ModuleIndex(
        [
            "src/app/__init__.py",
            "src/app/db.py",
            "backend/api/__init__.py",
            "backend/api/routes.py",
            "ns/plugins/tool.py",
            "setup.py",
            "README.md",
        ]
    )
    assert index.roots == ("src/", "", "backend/")
    assert index.resolve("app.db") == "src/app/db.py"
    assert index.resolve("app") == "src/app/__init__.py"
    assert index.resolve("api.routes") == "backend/api/routes.py"
    assert index.resolve("backend.api.routes") == "backend/api/routes.py"
    assert index.resolve("ns.plugins.tool") == "ns/plugins/tool.py"
    assert index.resolve("ns.plugins") is None  # a namespace package has no file
    assert index.is_package_dir("ns.plugins")
    assert index.module_name("src/app/db.py") == "app.db"
    assert index.module_name("backend/api/routes.py") == "api.routes"
    assert {"app", "api", "ns", "setup", "backend"} <= index.top_level()
    assert index.is_first_party("app.anything") and not index.is_first_party("requests")


@pytest.mark.parametrize(
    ("importer", "is_package", "level", "module", "expected"),
    [
        ("a.b.c", False, 1, "d", "a.b.d"),
        ("a.b.c", False, 1, "", "a.b"),
        ("a.b.c", False, 2, "x", "a.x"),
        ("a.b.c", False, 3, "x", None),
        ("a.b", True, 1, "c", "a.b.c"),
        ("a", True, 2, "", None),
        ("top", False, 1, "x", None),
        ("a.b", False, 0, "abs.name", "abs.name"),
    ],
)
def test_resolve_relative(
    importer: str, is_package: bool, level: int, module: str, expected: str | None
) -> None:
    assert resolve_relative(importer, is_package, level, module) == expected


TRICKY = '''\
"""Docstring with an example:

    import not_an_import
    from fake import thing
"""
from __future__ import annotations
import os, sys as system
from . import (
    sibling,
    other as renamed,
)
from ..pkg.mod import name \\
    as alias
from typing import TYPE_CHECKING
if TYPE_CHECKING:
    from app.models import User
else:
    import runtime_only
try:
    import ujson as json
except ImportError:
    import json
class Config:
    import inside_class
    def method(self):
        import inside_method
        text = """
import in_a_string
"""
async def handler():
    if True:
        from deep import thing
def outer():
    def inner():
        pass
    import after_inner
'''


def test_scanner_agrees_with_the_parser_on_tricky_code() -> None:
    expected = extract_imports(ast.parse(TRICKY))
    assert scan_imports(TRICKY) == expected
    names = {(r.module, r.name) for r in expected}
    assert ("not_an_import", None) not in names and ("in_a_string", None) not in names
    by_name = {r.name or r.module: r for r in expected}
    assert by_name["User"].type_checking and not by_name["runtime_only"].type_checking
    assert by_name["inside_class"].module_level
    assert not by_name["inside_method"].module_level
    assert not by_name["after_inner"].module_level
    assert by_name["other"].line == 10 and by_name["name"].line == 12


@pytest.mark.parametrize(
    "source",
    [
        "x = 1; import os\n",
        "if x: import os\n",
        "# a comment with ''' in it\nimport os\n",
        'x = """unterminated\nimport os\n',
        "if x:\n\timport os\n",
    ],
)
def test_scanner_gives_up_where_it_could_be_wrong(source: str) -> None:
    with pytest.raises(ScanFailed):
        scan_imports(source)


def test_scanner_agrees_with_the_parser_on_real_packages() -> None:
    """A differential test on real code: every module scans exactly as it parses, or fails."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = [
        p
        for name in ("email", "asyncio", "json", "importlib")
        for p in (stdlib / name).rglob("*.py")
    ]
    files += sorted(stdlib.glob("*.py"))[:120]
    scanned = 0
    for path in files:
        text = path.read_text("utf-8")
        try:
            expected = extract_imports(ast.parse(text))
        except SyntaxError:
            continue
        try:
            found = scan_imports(text)
        except ScanFailed:
            continue
        assert found == expected, path
        scanned += 1
    assert scanned > len(files) * 0.8


def test_scanner_columns_and_lines_match_for_indented_imports() -> None:
    source = textwrap.dedent(
        """\
        def f():
            from a import (b,
                           c)
            import d.e as f, g
        """
    )
    assert scan_imports(source) == extract_imports(ast.parse(source))
