"""commit-message (AG402) on real commits, with the policy compiled from a real AGENTS.md."""

from __future__ import annotations

import pytest

from tests.conftest import GitRepo

RULES = """\
# Agent rules

## Commits

- Use Conventional Commits for every commit message.
- Never add a `Co-Authored-By` trailer to commits.
- Sign off every commit (`Signed-off-by`).
"""
SIGNED = "\n\nSigned-off-by: Agent Smith <agent@example.com>\n"


@pytest.fixture
def project(repo: GitRepo) -> GitRepo:
    repo.write("AGENTS.md", RULES)
    repo.commit("chore: rules" + SIGNED)
    return repo


def _judge(repo: GitRepo, message: str, *, parents: int = 1) -> list[str]:
    """Commit `message` (a merge when parents == 2) and the AG402 lines of `diff`."""
    if parents == 2:
        repo.git("checkout", "-q", "-b", "side")
        repo.write("side.txt", "side\n")
        repo.commit("feat: side" + SIGNED)
        repo.git("checkout", "-q", "main")
        repo.write("main.txt", "main\n")
        repo.commit("feat: main" + SIGNED)
        repo.git("merge", "-q", "--no-ff", "-m", message, "side")
    else:
        repo.write("file.txt", message)
        repo.commit(message)
    result = repo.cli("diff", "--format", "concise", "HEAD~1..HEAD")
    assert result.returncode in (0, 1), result.stderr
    return [line for line in result.stdout.splitlines() if "AG402" in line]


BAD = [
    ("updated the parser" + SIGNED, "is not `type(scope): description`"),
    ("fix - the parser" + SIGNED, "is not `type(scope): description`"),
    ("fix:the parser" + SIGNED, "is not `type(scope): description`"),
    ("fix(parser) accept empty sections" + SIGNED, "is not `type(scope): description`"),
    ("WIP" + SIGNED, "is not `type(scope): description`"),
    ("fix: parser\n\nbody\n", "no `Signed-off-by:` trailer"),
    ("fix: parser\n", "no `Signed-off-by:` trailer"),
    ("fix: parser\n\nSigned-off-by: A <a@example.com>\n\nmore text after\n", "no `Signed-off-by:`"),
    (
        "fix: parser\n\nCo-Authored-By: Bot <bot@example.com>\nSigned-off-by: A <a@example.com>\n",
        "`Co-Authored-By:` trailer",
    ),
    (
        "fix: parser\n\nco-authored-by: Bot <b@example.com>\nSigned-off-by: A <a@example.com>\n",
        "`co-authored-by:` trailer",
    ),
    ("feat!: drop python 3.10\n\nbody text\n", "no `Signed-off-by:` trailer"),
]
GOOD = [
    "fix: accept empty sections" + SIGNED,
    "feat(parser): read front matter" + SIGNED,
    "feat!: drop python 3.10" + SIGNED,
    "refactor(core)!: split the engine" + SIGNED,
    "docs: say why\n\nThe body mentions Co-Authored-By: in the middle of a sentence\n"
    "and then goes on.\n\nSigned-off-by: A <a@example.com>\n",
    "fix: parser\n\nSigned-off-by: A <a@example.com>\nReviewed-by: B <b@example.com>\n",
    "chore(deps): bump lxml" + SIGNED,
    'Revert "feat: read front matter"\n\nThis reverts it.' + SIGNED,
    "fixup! feat: read front matter" + SIGNED,
    "ci: cache the venv\n\nsigned-off-by: A <a@example.com>\n",  # git compares names case-blind
]


@pytest.mark.parametrize(("message", "expected"), BAD, ids=[m[:24] for m, _ in BAD])
def test_a_message_that_breaks_a_rule_is_reported(
    project: GitRepo, message: str, expected: str
) -> None:
    found = _judge(project, message)
    assert any(expected in line for line in found), found
    assert all(line.startswith(":1:1: AG402") for line in found), found


@pytest.mark.parametrize("message", GOOD, ids=[m[:24] for m in GOOD])
def test_a_message_the_rules_permit_is_not_reported(project: GitRepo, message: str) -> None:
    assert _judge(project, message) == []


def test_a_merge_commit_needs_no_conventional_subject(project: GitRepo) -> None:
    assert _judge(project, "Merge branch 'side'" + SIGNED, parents=2) == []


def test_without_a_rule_nothing_is_asked(repo: GitRepo) -> None:
    repo.write("AGENTS.md", "# Rules\n\n- Keep functions small.\n")
    repo.commit("init")
    assert _judge(repo, "whatever I like\n") == []


def test_the_commit_msg_hook_reports_before_the_commit_exists(project: GitRepo) -> None:
    message = project.write(".git/COMMIT_EDITMSG", "updated things\n")
    result = project.cli("hook", "commit-msg", str(message))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "commit-message" in result.stdout
    assert "Conventional Commits" in result.stdout
    good = project.write(".git/COMMIT_EDITMSG", "fix: things" + SIGNED)
    assert project.cli("hook", "commit-msg", str(good)).returncode == 0
