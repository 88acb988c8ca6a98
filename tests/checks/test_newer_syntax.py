"""A file written for a newer Python is reported as what it is, never as a syntax error."""

from __future__ import annotations

import ast
import json
import sys

import pytest

from agent_guard.checks.pysource import NewerSyntax, SourceError, parse, translate_newer_syntax
from agent_guard.checks.syntax_error import minimum_python, newer_syntax_message
from tests.conftest import GitRepo

DEPS = """\
def current_user(decode, token):
    try:
        return decode(token)
    except KeyError, ValueError:
        print("bad token")
        return None
"""

RULES = """\
---
description: backend rules
globs: app/**/*.py
---
- Never leave print() calls in production code; use logging.
"""


def test_except_without_parentheses_reads_as_the_newer_parser_reads_it() -> None:
    translated = translate_newer_syntax(DEPS, running=(3, 12))
    assert translated is not None
    text, newer = translated
    assert newer == NewerSyntax((3, 14), "`except A, B:` without parentheses (PEP 758)", 4, 5)
    handler = ast.parse(text).body[0].body[0].handlers[0]  # type: ignore[attr-defined]
    assert isinstance(handler.type, ast.Tuple)
    assert text.splitlines()[4] == DEPS.splitlines()[4]  # other lines are untouched


def test_type_parameters_are_translated_for_python_311() -> None:
    source = "def first[T](items: list[T]) -> T:\n    return items[0]\ntype Ids = list[int]\n"
    translated = translate_newer_syntax(source, running=(3, 11))
    assert translated is not None
    assert translated[1].version == (3, 12)
    assert [type(node).__name__ for node in ast.parse(translated[0]).body] == [
        "FunctionDef",
        "Assign",
    ]
    assert translate_newer_syntax(source, running=(3, 12)) is None  # nothing to translate


def test_a_type_parameter_default_is_named_as_python_313_syntax() -> None:
    source = "type Pair[T = int] = tuple[T, T]\ndef pick[T, U = str](a: T) -> T:\n    return a\n"
    translated = translate_newer_syntax(source, running=(3, 11))
    assert translated is not None
    assert translated[1] == NewerSyntax((3, 13), "a type parameter default (PEP 696)", 1, 1)
    assert [type(node).__name__ for node in ast.parse(translated[0]).body] == [
        "Assign",
        "FunctionDef",
    ]
    plain = translate_newer_syntax("def pick[T](a: T = 1) -> T:\n    return a\n", running=(3, 11))
    assert plain is not None and plain[1].version == (3, 12)  # an argument default is not one


def test_a_real_error_stays_a_syntax_error_at_its_own_line() -> None:
    with pytest.raises(SourceError) as raised:
        parse(DEPS + "\n\ndef broken(\n", "app/deps.py")
    assert raised.value.line == 9
    with pytest.raises(SourceError):
        parse("try:\n    pass\nexcept A, B as error:\n    pass\n", "app/x.py")


def test_requires_python_decides_which_it_is() -> None:
    newer = NewerSyntax((3, 14), "`except A, B:` without parentheses (PEP 758)", 4, 5)
    message, fix = newer_syntax_message(newer, None, running=(3, 12))
    assert message.startswith("this file uses Python 3.14 syntax")
    assert "agent-guard runs on 3.12: run it on Python >= 3.14" in message
    assert "language_version: python3.14" in fix
    assert newer_syntax_message(newer, ">=3.14,<4.0", running=(3, 12))[0] == message
    older, _ = newer_syntax_message(newer, ">=3.10", running=(3, 12))
    assert "admits Python 3.10, which cannot parse it" in older
    assert minimum_python(">=3.10,<4") == (3, 10)
    assert minimum_python("~=3.12") == (3, 12)
    assert minimum_python(">3.11") == (3, 12)
    assert minimum_python("<4") is None


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="parses natively on 3.14")
def test_diff_reports_newer_syntax_once_and_still_checks_the_file(repo: GitRepo) -> None:
    repo.write(".cursor/rules/backend.mdc", RULES)
    repo.write("app/__init__.py", "")
    repo.write("app/deps.py", "def current_user(decode, token):\n    return decode(token)\n")
    repo.commit("base")
    repo.write("app/deps.py", DEPS)
    repo.commit("catch decoding errors")
    result = repo.agent_guard("diff", "HEAD~1..HEAD", "--format", "json")
    assert result.returncode == 1, result.stderr  # the print() still blocks
    findings = json.loads(result.stdout)["findings"]
    checks = sorted((f["check"], f["line"]) for f in findings)
    assert ("print-call", 5) in checks
    syntax = [f for f in findings if f["check"] == "syntax-error"]
    assert len(syntax) == 1
    assert "uses Python 3.14 syntax" in syntax[0]["message"]
    assert "does not parse" not in syntax[0]["message"]
