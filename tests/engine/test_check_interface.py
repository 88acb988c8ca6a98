"""One check interface: a check of any unit is one module plus one registry row.

Each test registers a throw-away check at run time (a module made here, a `CheckInfo` row)
and sees the real engine run it end to end on a real repository: the engine names no check,
so nothing else has to change.
"""

from __future__ import annotations

import ast
import sys
import types
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from agent_guard.changes.sources import parse_pre_receive, push_changes
from agent_guard.checks.base import (
    ContentUnit,
    Context,
    FileUnit,
    MessageUnit,
    RefUnit,
    Unit,
    make_finding,
)
from agent_guard.checks.options import Kind, Option
from agent_guard.checks.python import Check
from agent_guard.checks.registry import CheckInfo, register, unregister
from agent_guard.engine import EngineOptions
from agent_guard.model import Finding, Severity
from agent_guard.pipeline import evaluate, open_repository
from agent_guard.policy.model import CheckSettings, Policy
from tests.conftest import GitRepo
from tests.engine.helpers import judge

WORD: Option[str] = Option("word", Kind.STR, "forbidden", "the word this check looks for")


class _Spy:
    """A check of one unit that reports each unit it sees (and the configured word)."""

    def __init__(self, unit: Unit) -> None:
        self.unit = unit
        self.seen: list[Any] = []

    def run(self, unit: Any, context: Context) -> Iterable[Finding]:
        self.seen.append(unit)
        word = WORD.value(context.settings)
        if isinstance(unit, FileUnit):
            return [make_finding(context.settings, unit.file.path, 1, 1, "path", "fix")]
        if isinstance(unit, ContentUnit):
            text = unit.data.decode()
            return [
                make_finding(context.settings, unit.file.path, number, 1, word, "fix")
                for number, line in enumerate(text.splitlines(), 1)
                if word in line and (unit.lines is None or number in unit.lines)
            ]
        if isinstance(unit, MessageUnit):
            if word in unit.commit.message:
                return [make_finding(context.settings, "", 1, 1, "message", "fix")]
            return []
        if isinstance(unit, RefUnit):
            return [make_finding(context.settings, "", 0, 0, unit.update.ref, "fix")]
        # the imports unit
        return [
            make_finding(context.settings, file.path, edge.line, 1, edge.module, "fix")
            for file in unit.python
            for edge in unit.edges(file)[0]
        ]


@pytest.fixture
def spy(request: pytest.FixtureRequest) -> Iterator[tuple[str, _Spy]]:
    unit: Unit = request.param
    slug = f"spy-{unit.value}"
    module = types.ModuleType(f"tests_spy_{unit.value}")
    check = _Spy(unit)
    module.CHECK = check  # type: ignore[attr-defined]
    module.OPTIONS = (WORD,)  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    register(
        CheckInfo(slug, f"AG9{list(Unit).index(unit)}0", "test", unit, Severity.ERROR,
                  "a throw-away check", module_name=module.__name__)
    )  # fmt: skip
    try:
        yield slug, check
    finally:
        unregister(slug)
        del sys.modules[module.__name__]


def _commit(repo: GitRepo, message: str, files: dict[str, str]) -> str:
    for path, text in files.items():
        repo.write(path, text)
    return repo.commit(message)


def _stage(repo: GitRepo, files: dict[str, str]) -> None:
    for path, text in files.items():
        repo.write(path, text)
    repo.add(*files)


def _policy(slug: str, **options: object) -> Policy:
    return Policy(checks={slug: CheckSettings(slug, Severity.ERROR, options=options)})


@pytest.mark.parametrize("spy", [Unit.PATH], indirect=True)
def test_a_path_check_sees_every_changed_file_of_every_commit(
    repo: GitRepo, spy: tuple[str, _Spy]
) -> None:
    slug, _check = spy
    base = _commit(repo, "base", {"README.md": "x\n"})
    _commit(repo, "one", {"a.txt": "1\n"})
    _commit(repo, "two", {"b.txt": "2\n", "a.txt": "1\n2\n"})
    verdict = judge(repo, f"{base}..HEAD", policy=_policy(slug))
    assert sorted((f.path, f.check) for f in verdict.findings) == [
        ("a.txt", slug),
        ("a.txt", slug),
        ("b.txt", slug),
    ]
    assert len({f.commit for f in verdict.findings}) == 2  # each belongs to its commit
    assert verdict.blocked


@pytest.mark.parametrize("spy", [Unit.CONTENT], indirect=True)
def test_a_content_check_reads_added_lines_with_its_typed_option(
    repo: GitRepo, spy: tuple[str, _Spy]
) -> None:
    slug, _check = spy
    _commit(repo, "base", {"notes.txt": "banana here\n"})
    _stage(repo, {"notes.txt": "banana here\nmore banana\n"})
    verdict = judge(repo, policy=_policy(slug, word="banana"))
    assert [(f.path, f.line, f.message) for f in verdict.findings] == [("notes.txt", 2, "banana")]


@pytest.mark.parametrize("spy", [Unit.IMPORTS], indirect=True)
def test_an_imports_check_gets_the_edges_the_change_added(
    repo: GitRepo, spy: tuple[str, _Spy]
) -> None:
    slug, _check = spy
    _commit(repo, "base", {"app/__init__.py": "", "app/a.py": "import os\n"})
    _stage(repo, {"app/a.py": "import os\nimport json\n"})
    verdict = judge(repo, policy=_policy(slug))
    assert [(f.path, f.line, f.message) for f in verdict.findings] == [("app/a.py", 2, "json")]


@pytest.mark.parametrize("spy", [Unit.MESSAGE], indirect=True)
def test_a_message_check_sees_each_commit(repo: GitRepo, spy: tuple[str, _Spy]) -> None:
    slug, check = spy
    base = _commit(repo, "base", {"a.txt": "1\n"})
    bad = _commit(repo, "a forbidden word", {"a.txt": "2\n"})
    _commit(repo, "fine", {"a.txt": "3\n"})
    verdict = judge(repo, f"{base}..HEAD", policy=_policy(slug))
    assert [f.commit for f in verdict.findings] == [bad]
    assert len(check.seen) == 2


@pytest.mark.parametrize("spy", [Unit.REF], indirect=True)
def test_a_ref_check_sees_the_ref_update_of_a_push(
    repo: GitRepo, make_repo: Any, spy: tuple[str, _Spy]
) -> None:
    slug, check = spy
    server = make_repo("server.git", bare=True)
    old = _commit(repo, "base", {"a.txt": "1\n"})
    repo.git("push", "-q", str(server.path), "main")
    new = _commit(repo, "next", {"a.txt": "2\n"})
    repo.git("push", "-q", str(server.path), "main:refs/heads/incoming")
    repository = open_repository(server.path)
    with repository.objects() as objects:
        updates = parse_pre_receive(f"{old} {new} refs/heads/main\n")
        changesets = push_changes(repository, objects, updates, exclude=("--branches=main",))
        verdict = evaluate(repository, objects, changesets, _policy(slug), options=EngineOptions())
    assert [f.message for f in verdict.findings] == ["refs/heads/main"]
    assert [unit.update.new for unit in check.seen] == [new]


class _CallsNamedBanana(Check[None]):
    """A throw-away walker check: reports every call of a function named `banana`."""

    def enter_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id == "banana":
            self.report(node, "banana called", "call something else")


def test_a_walker_check_registered_at_run_time_joins_the_single_walk(repo: GitRepo) -> None:
    module = types.ModuleType("tests_spy_walker")
    module.CHECK = _CallsNamedBanana  # type: ignore[attr-defined]
    module.OPTIONS = ()  # type: ignore[attr-defined]
    sys.modules[module.__name__] = module
    register(CheckInfo("spy-walker", "AG990", "test", Unit.PYTHON, Severity.ERROR,
                       "a throw-away walker check", module_name=module.__name__))  # fmt: skip
    try:
        _stage(repo, {"a.py": "def f():\n    banana()\n    apple()\n"})
        verdict = judge(repo, policy=_policy("spy-walker"))
    finally:
        unregister("spy-walker")
        del sys.modules[module.__name__]
    assert [(f.check, f.line, f.column, f.source) for f in verdict.findings] == [
        ("spy-walker", 2, 5, "    banana()")
    ]
