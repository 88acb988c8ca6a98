"""New violations only: a code finding counts when the change creates it, not when the change
only touches or moves code that already had it (issue 15, point 1)."""

from __future__ import annotations

from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings
from tests.conftest import GitRepo
from tests.engine.helpers import judge, make_policy

POLICY = make_policy(
    checks={
        slug: CheckSettings(slug, Severity.ERROR)
        for slug in ("missing-annotation", "print-call", "broad-except")
    }
)


def _base(repo: GitRepo, text: str) -> None:
    repo.write("app/service.py", text)
    repo.commit("legacy")


def _change(repo: GitRepo, text: str) -> list[tuple[str, int]]:
    repo.write("app/service.py", text)
    repo.add("app/service.py")
    return [(f.check, f.line) for f in judge(repo, policy=POLICY).findings]


def test_touching_a_signature_with_an_old_gap_is_quiet(repo: GitRepo) -> None:
    _base(repo, "def total(values, start=0):\n    return sum(values) + start\n")
    assert _change(repo, "def total(values, start=1):\n    return sum(values) + start\n") == []


def test_a_new_gap_in_a_touched_signature_is_reported(repo: GitRepo) -> None:
    _base(repo, "def total(values: list[int]) -> int:\n    return sum(values)\n")
    assert _change(repo, "def total(values: list[int], start) -> int:\n    return 1\n") == [
        ("missing-annotation", 1)
    ]


def test_moving_and_reformatting_old_code_is_quiet(repo: GitRepo) -> None:
    _base(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n")
    moved = (
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def other() -> None:\n    log.info('x')\n\n\n"
        "def show(rows: list[str]) -> None:\n    print( rows )  # still here\n"
    )
    assert _change(repo, moved) == []


def test_a_second_copy_of_an_old_finding_is_new(repo: GitRepo) -> None:
    _base(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n")
    doubled = "def show(rows: list[str]) -> None:\n    print(rows)\n    print(rows)\n"
    assert _change(repo, doubled) == [("print-call", 3)]


def test_the_same_code_in_another_function_is_new(repo: GitRepo) -> None:
    _base(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n")
    other = (
        "def show(rows: list[str]) -> None:\n    print(rows)\n\n\n"
        "def dump(rows: list[str]) -> None:\n    print(rows)\n"
    )
    assert _change(repo, other) == [("print-call", 6)]


def test_a_new_file_reports_everything_and_a_broken_old_version_hides_nothing(
    repo: GitRepo,
) -> None:
    _base(repo, "def show(rows:\n")  # did not parse
    assert _change(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n") == [
        ("print-call", 2)
    ]
    repo.write("app/new.py", "def f(x):\n    return x\n")
    repo.add("app/new.py")
    found = [(f.check, f.path) for f in judge(repo, policy=POLICY).findings]
    assert ("missing-annotation", "app/new.py") in found
