"""refactor-explained: which subjects are refactors, and which bodies explain them."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_guard.changes.model import Commit
from agent_guard.checks.refactor_explained import check_message, is_refactor, message_body
from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings

SETTINGS = CheckSettings("refactor-explained", Severity.ERROR)
WHY = (
    "Split UserService into a reader and a writer.\n\n"
    "The LLM component only reads; splitting lets the boundary check forbid its writes."
)


def commit(message: str) -> Commit:
    return Commit("abc123", (), "A <a@x>", "A <a@x>", message)


@pytest.mark.parametrize(
    "subject",
    ["refactor: users", "refactor(api): users", "refactor!: users", "Refactor users",
     "Refactored the users", "REFACTOR: users", "refactoring users"],
)  # fmt: skip
def test_refactor_subjects(subject: str) -> None:
    assert is_refactor(subject)
    (found,) = check_message(commit(subject + "\n"), SETTINGS)
    assert (found.code, found.path, found.line, found.commit) == ("AG401", "", 1, "abc123")
    assert "has no body" in found.message


@pytest.mark.parametrize(
    "subject", ["fix: refactor later", "feat: add refactoring tool", "Merge branch 'refactor'",
                "docs: explain refactors", ""],
)  # fmt: skip
def test_other_subjects_are_not_checked(subject: str) -> None:
    assert check_message(commit(subject + "\n"), SETTINGS) == []


def test_a_body_that_says_what_and_why_passes() -> None:
    assert check_message(commit("refactor: split users\n\n" + WHY + "\n"), SETTINGS) == []


def test_a_short_body_fails() -> None:
    (found,) = check_message(commit("refactor: users\n\nMoved code.\n"), SETTINGS)
    assert "fewer than 8" in found.message


def test_a_body_without_a_reason_fails() -> None:
    body = "Moved the user functions from api.py into services/users.py and renamed them all."
    (found,) = check_message(commit(f"refactor: users\n\n{body}\n"), SETTINGS)
    assert "not why" in found.message


def test_trailers_and_comments_are_not_a_body() -> None:
    message = (
        "refactor: users\n\nSigned-off-by: A <a@x>\nCo-authored-by: B <b@x>\n"
        "# Please enter the commit message\n"
    )
    assert message_body(message) == ""
    assert len(check_message(commit(message), SETTINGS)) == 1
    with_body = f"refactor: users\n\n{WHY}\n\nSigned-off-by: A <a@x>\n"
    assert check_message(commit(with_body), SETTINGS) == []


def test_options_change_the_bar() -> None:
    relaxed = CheckSettings(
        "refactor-explained", Severity.ERROR, options={"min_body_words": 2, "why_words": []}
    )
    assert check_message(commit("refactor: users\n\nMoved code.\n"), relaxed) == []


def test_a_configured_why_words_list_still_demands_a_reason(tmp_path: Path) -> None:
    """Regression: a why_words list from the config once arrived as a tuple, failed an
    `isinstance(..., list)` test, and turned the "why" test off. Through real git and a
    real config file, a body with no reason is still flagged."""
    from agent_guard.pipeline import DiffRequest, diff
    from tests.conftest import GitRepo

    repo = GitRepo(tmp_path / "repo")
    repo.write("AGENTS.md", "- Explain what was refactored and why in every refactoring commit.\n")
    repo.write(".agent-guard.yaml", "checks:\n  refactor-explained: {why_words: [because]}\n")
    repo.write("app.py", "x = 1\n")
    base = repo.commit("base")
    repo.write("app.py", "x = 2\n")
    unexplained = repo.commit(
        "refactor: rename the counter\n\nThe counter in app.py now has a new value and name.\n"
    )
    repo.write("app.py", "x = 3\n")
    repo.commit(
        "refactor: move the counter\n\nMoved the counter because two modules read it now.\n"
    )
    verdict = diff(DiffRequest(target=f"{base}..HEAD"), cwd=repo.path)
    flagged = [f for f in verdict.findings if f.check == "refactor-explained"]
    assert [f.commit for f in flagged] == [unexplained]
    assert "not why" in flagged[0].message
