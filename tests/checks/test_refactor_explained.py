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


# Issue 15: reasons as people write them, the files the rule governs, fixes that can be done.


@pytest.mark.parametrize(
    "message",
    [
        "refactor: share the price formatter\n\nThe cart and the invoice each had a copy; "
        "one function now, to deduplicate them.\n",
        "Refactor the order list query\n\nWritten matching the pattern of the customers page "
        "and its pager.\n",
        "refactor: extract the retry loop\n\nIn preparation for the webhook sender, which "
        "retries the same way.\n",
        "refactor: split settings\n\nThe mailer module is needed by the worker process, "
        "which must not load the web settings.\n",
        "refactor(api): rename the handlers\n\nFor consistency with the other routers in "
        "this package and their names.\n",
        "refactor: move the parser\n\nAs the plugin loader requires, the parser now lives "
        "in its own module with no imports.\n",
        "refactor: collapse the two caches into one store\n\nFixes #418: stale entries "
        "survived in the second cache after a purge.\n",
        "refactor: inline the tiny helper modules\n\nThey were confusing to navigate and "
        "each held a single function only.\n",
        "refactor: reorder the arguments of send()\n\nSo the optional ones come last and "
        "callers can omit them entirely.\n",
        "Refactor models to improve types (#77)\n",  # the subject gives the reason
        "refactor: the loader to fix the double import\n",
        "♻️ Refactor the seed script since it ran every query twice (#80)\n",
        "refactor: wrap the client\n\nWe wrap the payment client so that tests can swap it "
        "for a fake one.\n",
    ],
    ids=["to-deduplicate", "matching", "preparation", "needed-by", "for-consistency",
         "as-requires", "fixes-issue", "was-confusing", "so-the", "subject-to-verb",
         "emoji-since", "so-that", "subject-to-fix"],
)  # fmt: skip
def test_reasons_as_people_write_them(message: str) -> None:
    assert check_message(commit(message), SETTINGS) == []


@pytest.mark.parametrize(
    "message",
    [
        "refactor: move helpers\n\nMove the date helpers from views.py to utils and rename "
        "them accordingly in every module.\n",
        "refactor: rename the counter\n\nRenamed the counter to total and changed the "
        "callers in the three modules that read it.\n",
        "🔧 Refactor PostgreSQL env var config (#2392)\n",
        "Refactor the tests to create a user and a token in setUp()\n",
    ],
    ids=["move-to-destination", "rename-to", "squash-title-without-reason", "subject-what"],
)  # fmt: skip
def test_what_without_why_is_still_reported(message: str) -> None:
    assert len(check_message(commit(message), SETTINGS)) == 1


def test_a_squash_merge_title_says_how_to_fix_it() -> None:
    (found,) = check_message(commit("♻️ Refactor the mailer (#12)\n"), SETTINGS)
    assert "squash merge" in found.fix and "cannot be amended" in found.fix
    assert "--amend" not in found.fix
    (pushed,) = check_message(commit("refactor: the mailer\n"), SETTINGS, pushed=True)
    assert "refused this push" in pushed.fix and "rebase -i" in pushed.fix
    (local,) = check_message(commit("refactor: the mailer\n"), SETTINGS)
    assert "git commit --amend" in local.fix


RULE_FILE = (
    "---\ndescription: backend\nglobs: backend/**/*.py\nalwaysApply: false\n---\n"
    "- Explain what was refactored and why in every refactoring commit.\n"
)


def test_only_commits_that_touch_governed_files_are_read(tmp_path: Path) -> None:
    from agent_guard.pipeline import DiffRequest, diff
    from tests.conftest import GitRepo

    repo = GitRepo(tmp_path / "repo")
    repo.write(".cursor/rules/backend.mdc", RULE_FILE)
    repo.write("backend/app.py", "x = 1\n")
    repo.write("frontend/app.ts", "let x = 1\n")
    base = repo.commit("base")
    repo.write("frontend/app.ts", "let x = 2\n")
    repo.commit("refactor: the frontend store\n")
    repo.write("backend/app.py", "x = 2\n")
    backend = repo.commit("refactor: the backend store\n")
    verdict = diff(DiffRequest(target=f"{base}..HEAD"), cwd=repo.path)
    flagged = [f.commit for f in verdict.findings if f.check == "refactor-explained"]
    assert flagged == [backend]
