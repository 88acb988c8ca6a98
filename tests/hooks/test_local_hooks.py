"""Native pre-commit, commit-msg and pre-push hooks (as `agent-guard install` writes them)."""

from __future__ import annotations

import subprocess
from collections.abc import Callable

import pytest

from tests.conftest import GitRepo
from tests.hooks.conftest import MODELS, write_project

BLOCKING = "import time\n\n\nasync def handler() -> None:\n    time.sleep(1)\n"


@pytest.fixture
def project(repo: GitRepo) -> GitRepo:
    write_project(repo)
    repo.commit("Initial project")
    return repo


def commit(repo: GitRepo, message: str) -> subprocess.CompletedProcess[bytes]:
    """`git commit` as a user runs it: hooks on, output captured."""
    return subprocess.run(
        ["git", "commit", "-m", message], cwd=repo.path, capture_output=True, check=False
    )


def output(result: subprocess.CompletedProcess[bytes]) -> str:
    return (result.stdout + result.stderr).decode("utf-8", "replace")


def stage_models_edit(repo: GitRepo) -> None:
    repo.write("app/models.py", MODELS + "    email: str\n")
    repo.add()


def head(repo: GitRepo) -> str:
    return repo.git("rev-parse", "HEAD").strip()


def install(repo: GitRepo, *hook_types: str) -> None:
    args = [arg for hook_type in hook_types for arg in ("-t", hook_type)]
    result = repo.agent_guard("install", *args)
    assert result.returncode == 0, result.stderr


def test_commit_msg_accepts_a_listed_approvers_trailer(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    stage_models_edit(project)
    before = head(project)
    result = commit(project, "Add email\n\nEscalation-Approved-By: Lead <lead@example.com>")
    assert result.returncode == 0, output(result)
    assert head(project) != before
    text = output(result)
    assert "approved by lead" in text
    assert "the server accepts it only from a commit signed by that approver" in text


def test_commit_msg_rejects_an_unlisted_name(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    stage_models_edit(project)
    before = head(project)
    result = commit(project, "Add email\n\nEscalation-Approved-By: Agent <agent@example.com>")
    assert result.returncode != 0
    assert head(project) == before
    text = output(result)
    assert "Agent <agent@example.com>` names no configured approver" in text
    assert "protected-file" in text


def test_a_trailer_outside_the_last_paragraph_does_not_count(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    stage_models_edit(project)
    message = "Add email\n\nEscalation-Approved-By: Lead <lead@example.com>\n\nMore words."
    assert commit(project, message).returncode != 0


def test_pre_commit_defers_escalations_to_commit_msg(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    stage_models_edit(project)
    result = commit(project, "Add email")
    text = output(result)
    assert result.returncode != 0
    assert "need approval" in text  # pre-commit let it through to commit-msg ...
    assert "blocked: 1 escalation" in text  # ... which blocked it
    assert project.git("diff", "--cached", "--name-only").strip() == "app/models.py"


def test_pre_commit_blocks_escalations_without_the_commit_msg_hook(project: GitRepo) -> None:
    install(project, "pre-commit")
    stage_models_edit(project)
    result = commit(project, "Add email\n\nEscalation-Approved-By: Lead <lead@example.com>")
    assert result.returncode != 0
    assert "commit-msg hook is not installed" in output(result)


def test_pre_commit_blocks_errors_even_when_deferring(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    project.write("app/handlers.py", BLOCKING)
    project.add()
    result = commit(project, "Add handler\n\nEscalation-Approved-By: Lead <lead@example.com>")
    assert result.returncode != 0
    text = output(result)
    assert "blocking-in-async" in text
    assert "an error cannot be approved" in text


@pytest.mark.parametrize(
    "how", [("-a",), ("--", "app/handlers.py")], ids=["commit -a", "partial commit"]
)
def test_pre_commit_sees_the_index_git_commits_from(project: GitRepo, how: tuple[str, ...]) -> None:
    """`git commit -a` and `git commit -- PATH` hand the hook a temporary index through
    GIT_INDEX_FILE: the runner keeps that variable, so the hook checks what is committed
    (here an unstaged blocking call), not .git/index (which holds only a harmless edit)."""
    install(project, "pre-commit")
    project.write("app/handlers.py", "")
    project.commit("An empty handlers module")
    project.write("app/handlers.py", BLOCKING)
    project.write("app/services.py", "def greet(name: str) -> str:\n    return name\n")
    project.add("app/services.py")
    before = head(project)
    result = subprocess.run(
        ["git", "commit", "-m", "Add handler", *how],
        cwd=project.path,
        capture_output=True,
        check=False,
    )
    assert result.returncode != 0, output(result)
    assert "blocking-in-async" in output(result)
    assert head(project) == before


def test_commit_msg_checks_refactor_explanations(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    project.write("app/services.py", "def greet(who: str) -> str:\n    return f'hello {who}'\n")
    project.add()
    refused = commit(project, "refactor: rename")
    assert refused.returncode != 0
    assert "refactor-explained" in output(refused)
    explained = commit(
        project,
        "refactor: rename greet's parameter\n\nRenamed name to who because the caller passes "
        "a person, so that the signature reads like the call site.",
    )
    assert explained.returncode == 0, output(explained)


def test_the_hooks_never_touch_the_index_or_work_tree(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    stage_models_edit(project)
    project.write("app/services.py", "UNSTAGED = 1\n")
    status = project.git("status", "--porcelain")
    commit(project, "Add email")
    assert project.git("status", "--porcelain") == status


def test_pre_push_checks_commits_made_with_no_verify(
    project: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    plain = make_repo("plain.git", bare=True)  # a remote without any server hook
    project.git("remote", "add", "origin", str(plain.path))
    project.git("push", "-q", "origin", "main")
    install(project, "pre-commit", "commit-msg", "pre-push")
    stage_models_edit(project)
    project.git("commit", "-q", "--no-verify", "-m", "Sneak an edit in")
    refused = subprocess.run(
        ["git", "push", "origin", "main"], cwd=project.path, capture_output=True, check=False
    )
    assert refused.returncode != 0
    assert "protected-file" in output(refused)
    project.git("commit", "-q", "--no-verify", "--allow-empty", "-m",
                "Approve\n\nEscalation-Approved-By: lead")  # fmt: skip
    accepted = subprocess.run(
        ["git", "push", "origin", "main"], cwd=project.path, capture_output=True, check=False
    )
    assert accepted.returncode == 0, output(accepted)


def test_a_merge_is_judged_on_what_it_adds_not_on_the_other_branch(project: GitRepo) -> None:
    project.git("checkout", "-q", "-b", "approved-models")
    project.write("app/models.py", MODELS + "    email: str\n")
    project.commit("Edit models\n\nEscalation-Approved-By: lead")  # hooks not installed yet
    project.git("checkout", "-q", "main")
    project.write("app/services.py", "def greet(who: str) -> str:\n    return who\n")
    project.commit("Simplify greet")
    install(project, "pre-commit", "commit-msg")
    merged = subprocess.run(
        ["git", "merge", "--no-ff", "-m", "Merge approved-models", "approved-models"],
        cwd=project.path,
        capture_output=True,
        check=False,
    )
    assert merged.returncode == 0, output(merged)
    project.git("reset", "-q", "--hard", "HEAD~1")
    project.write("app/services.py", "def greet(who: str) -> str:\n    return 'hi ' + who\n")
    project.commit("Conflicting greet")
    project.git("merge", "-q", "approved-models", "--no-commit", check=False)
    project.write("app/handlers.py", BLOCKING)  # an evil change slipped into the merge
    project.add()
    evil = commit(project, "Merge approved-models")
    assert evil.returncode != 0
    assert "blocking-in-async" in output(evil)
    assert "protected-file" not in output(evil)


def test_a_deferred_escalation_is_explained_once_not_twice(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    stage_models_edit(project)
    result = commit(project, "Add email")
    assert result.returncode == 1
    text = output(result)
    assert text.count("protected-file (AG001)") == 1  # in full from commit-msg only
    assert "1 escalation(s) need approval" in text  # pre-commit's one line
    assert "passed: 1 escalation for commit-msg" in text  # and its summary says why it passed


# -- a merge that only deletes lines (an "evil merge", #13) ---------------------------------


def _start_merge(project: GitRepo) -> None:
    """A merge of two clean branches left uncommitted (`--no-commit`), models.py untouched."""
    project.git("checkout", "-q", "-b", "side")
    project.write("app/services.py", SERVICE_V2)
    project.commit("Side work")
    project.git("checkout", "-q", "main")
    project.write("app/other.py", "Z = 3\n")
    project.commit("Main work")
    project.git("merge", "-q", "--no-ff", "--no-commit", "side")


SERVICE_V2 = "def greet(name: str) -> str:\n    return f'hi {name}'\n"


def test_pre_commit_catches_a_merge_that_only_deletes_lines(project: GitRepo) -> None:
    install(project, "pre-commit", "commit-msg")
    _start_merge(project)
    project.write("app/models.py", "class User:\n")  # drops the `name` column, adds nothing
    project.add()
    before = head(project)
    evil = commit(project, "Merge side")
    assert evil.returncode != 0, output(evil)
    assert "protected-file" in output(evil)
    assert head(project) == before
    project.write("app/models.py", MODELS)
    project.add()
    clean = commit(project, "Merge side")
    assert clean.returncode == 0, output(clean)


def test_pre_push_catches_a_merge_that_only_deletes_lines(
    project: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    plain = make_repo("plain.git", bare=True)  # a remote without any server hook
    project.git("remote", "add", "origin", str(plain.path))
    project.git("push", "-q", "origin", "main")
    _start_merge(project)
    project.write("app/models.py", "class User:\n")  # drops the `name` column, adds nothing
    project.add()
    project.git("commit", "-q", "--no-verify", "-m", "Merge side")  # local hooks skipped
    install(project, "pre-push")
    refused = subprocess.run(
        ["git", "push", "origin", "main"], cwd=project.path, capture_output=True, check=False
    )
    assert refused.returncode != 0, output(refused)
    assert "protected-file" in output(refused)
    project.git("reset", "-q", "--hard", "HEAD~1")
    project.git("merge", "-q", "--no-ff", "-m", "Merge side", "side")
    accepted = subprocess.run(
        ["git", "push", "origin", "main"], cwd=project.path, capture_output=True, check=False
    )
    assert accepted.returncode == 0, output(accepted)
