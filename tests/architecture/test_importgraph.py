"""The module index, relative-import resolution and the fast scanner against the parser."""

from __future__ import annotations

import ast
import importlib.util
import sysconfig
import textwrap
from pathlib import Path
from typing import Any

import pytest

from agent_guard.checks.importgraph import (
    ModuleIndex,
    ScanFailed,
    extract_imports,
    resolve_relative,
    scan_imports,
)
from agent_guard.checks.importgraph import scanner as importgraph


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
        'x = """unterminated\nimport os\n',
        "if x:\n\timport os\n",
        "from a \\\n    import b\n",
        "if (\n    TYPE_CHECKING\n):\n    import os\n",
        'x = \'a\\\n"""\'\nimport os\n',
        "x = f'{a}' + '''\nimport os\n'''\n",
        "\fimport os\n",
        "\ffrom a import b\n",
        "import as\n",
        "from if import x\n",
        "from a import (b as)\n",
    ],
)
def test_scanner_gives_up_where_it_could_be_wrong(source: str) -> None:
    with pytest.raises(ScanFailed):
        scan_imports(source)


def _scans_as_parsed(files: list[Path]) -> int:
    """Assert that every file scans exactly as it parses (or fails); how many scanned."""
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
    return scanned


class _Calls:
    """Counts the calls of one scanner helper, to prove a differential test reaches it."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.count = 0
        original = getattr(importgraph, name)

        def counted(*args: Any) -> Any:
            self.count += 1
            return original(*args)

        monkeypatch.setattr(importgraph, name, counted)


def test_scanner_agrees_with_the_parser_on_real_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    """A differential test on real code: every module scans exactly as it parses, or fails."""
    paths = {
        name: _Calls(monkeypatch, name)
        for name in ("_plain_aliases", "_parsed_aliases", "_before_delimiter", "_inside")
    }
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    files = [
        p
        for name in ("email", "asyncio", "json", "importlib", "concurrent", "xml", "unittest")
        for p in (stdlib / name).rglob("*.py")
    ]
    files += sorted(stdlib.glob("*.py"))[:120]
    assert _scans_as_parsed(files) > len(files) * 0.9
    assert all(calls.count for calls in paths.values()), {n: c.count for n, c in paths.items()}


def test_scanner_agrees_with_the_parser_on_multi_line_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """mypy (a dev dependency) imports inside functions with signatures that span lines."""
    spec = importlib.util.find_spec("mypy")
    assert spec is not None and spec.origin, "mypy is a dev dependency: run `make setup`"
    headers = _Calls(monkeypatch, "_header_opening")
    files = sorted(Path(spec.origin).parent.glob("*.py"))
    assert _scans_as_parsed(files) > len(files) * 0.9
    assert headers.count > 10


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


USUAL_FORMS = [
    "import a.b as c, d  # note\nfrom . import x\n"
    "from ..p.q import (\n    r as s,  # why\n    t,\n)\n",
    "from .import a\nfrom . x import y\nfrom ... import z\nfrom m import *\r\nimport n\r\n",
    "def f(\n    a: int,\n) -> None:\n    import os\n",
    "class C(\n    Base,\n):\n    def g(self):\n"
    "        '''\nif TYPE_CHECKING:\n'''\n        import x\n",
    "if TYPE_CHECKING:\n    from a import (b,\n                   c)\n"
    "important = 1\nreimport = 2\n",
    "try:\n    import match\nexcept ImportError:\n    match = None\n",
    "def f(\r\n    a,\r\n):\r\n\r\n    # c\r\n    import x\r\n",
    "# a comment with ''' in it\nimport os\n",
    'x = \'"""\'\nimport os\nif y:\n    import z\n',
    'x = 1  # """\nimport os\n',
    'd = {"k": """\nimport not_an_import\n""", "q": r"\\""}\nimport real\n',
    "if TYPE_CHECKING:\n    if x and f(\n        y,\n    ):\n        import a\n"
    "elif g(\n    z\n):\n    import b\n",
]


@pytest.mark.parametrize("source", USUAL_FORMS)
def test_scanner_reads_the_usual_forms_and_multi_line_headers(source: str) -> None:
    assert scan_imports(source) == extract_imports(ast.parse(source))
