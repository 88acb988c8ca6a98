"""The server hook against a hostile pusher (issue 13): each attack with a real `git push`
into a bare repository with the hook installed, and the legitimate path next to it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import RELAXED_BUDGET, GitRepo
from tests.hooks.conftest import (
    APPROVER_ENV,
    CONFIG,
    install_pre_receive,
    push,
    write_project,
)
from tests.secrets import fakes

Servers = tuple[GitRepo, GitRepo]
AGENT = {"GL_USERNAME": "agent-bot"}
TOKEN = fakes.github_token()


def edit_models(clone: GitRepo, column: str = "email") -> str:
    text = (clone.path / "app/models.py").read_text()
    clone.write("app/models.py", text + f"    {column}: str\n")
    return clone.commit(f"Add {column} to User")


def head(repo: GitRepo, ref: str = "refs/heads/main") -> str:
    return repo.git("rev-parse", "--verify", "--quiet", ref, check=False).strip()


def weaken_policy_on_branch(clone: GitRepo, branch: str) -> str:
    """An approver-pushed branch without the rule file and config (a legitimate state)."""
    clone.git("checkout", "-q", "-b", branch)
    clone.git("rm", "-q", "-r", ".cursor", ".agent-guard.yaml")
    sha = clone.commit("Drop the policy on this branch")
    assert push(clone, branch, env=APPROVER_ENV).accepted
    return sha


# -- 1 and 2: every ref on its own range, by its own policy --------------------------------


def test_main_is_judged_on_commits_another_ref_brought(server_and_clone: Servers) -> None:
    """A ref written outside the hook (a merge-request head) holds the models edit; the
    fast-forward of main to it is judged by main's policy although nothing is new."""
    server, clone = server_and_clone
    before = head(server)
    sha = edit_models(clone)
    server.git("fetch", "-q", str(clone.path), f"{sha}:refs/merge-requests/1/head")
    result = push(clone, "main", env=AGENT)
    assert not result.accepted, result
    assert "protected-file" in result.output
    assert head(server) == before


def test_laundering_through_a_weak_branch_then_main_is_rejected(
    server_and_clone: Servers,
) -> None:
    server, clone = server_and_clone
    before = head(server)
    weaken_policy_on_branch(clone, "scratch")
    edit_models(clone)
    assert push(clone, "scratch", env=AGENT).accepted  # scratch's own (empty) policy
    result = push(clone, "scratch:main", env=AGENT)
    assert not result.accepted, result
    assert "protected-file" in result.output and "policy-change" in result.output
    assert "refs/heads/main: judged by the policy of its tip before this push" in result.output
    assert head(server) == before


def test_two_refs_in_one_push_are_each_judged(server_and_clone: Servers) -> None:
    """`a-weak` sorts before main: once its policy judged the new commit and main saw
    nothing new. Now main is judged on its own range by its own policy."""
    server, clone = server_and_clone
    before = head(server)
    weaken_policy_on_branch(clone, "a-weak")
    edit_models(clone)
    result = push(clone, "a-weak", "a-weak:main", env=AGENT)
    assert not result.accepted, result
    assert "refs/heads/main: judged by the policy of its tip" in result.output
    assert "protected-file" in result.output
    assert head(server) == before


def test_the_same_two_refs_pushed_by_an_approver_are_accepted(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    weaken_policy_on_branch(clone, "a-weak")
    sha = edit_models(clone)
    result = push(clone, "a-weak", "a-weak:main", env=APPROVER_ENV)
    assert result.accepted, result
    assert head(server) == sha


def test_a_clean_branch_fast_forwarded_into_main_is_accepted_and_cached(
    server_and_clone: Servers,
) -> None:
    server, clone = server_and_clone
    clone.git("checkout", "-q", "-b", "feature")
    clone.write("app/services.py", "def greet(name: str) -> str:\n    return name\n")
    sha = clone.commit("Simplify greet")
    assert push(clone, "feature", env=AGENT).accepted
    cached = list((server.path / "agent-guard" / "verdicts-v1").iterdir())
    assert any(sha in path.read_text() for path in cached)  # judged clean by main's policy
    result = push(clone, "feature:main", env=AGENT)
    assert result.accepted, result
    assert head(server) == sha


def test_an_approvers_push_to_a_branch_does_not_approve_it_for_main(
    server_and_clone: Servers,
) -> None:
    """The approver removed the policy on a scratch branch; that push approves scratch, not
    main: fast-forwarding main to it escalates again."""
    server, clone = server_and_clone
    before = head(server)
    weaken_policy_on_branch(clone, "scratch")
    result = push(clone, "scratch:main", env=AGENT)
    assert not result.accepted, result
    assert "policy-change" in result.output
    assert head(server) == before


# -- 5: rewinding, deleting, re-creating ----------------------------------------------------


def test_rewinding_main_is_rejected(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    approved = edit_models(clone)
    assert push(clone, "main", env=APPROVER_ENV).accepted
    result = push(clone, "+HEAD~1:main", env=AGENT)
    assert not result.accepted, result
    assert (
        "ref-rules" in result.output and "rewrites the history of refs/heads/main" in result.output
    )
    assert "modifies app/models.py" in result.output  # the tip-to-tip change
    assert head(server) == approved


def test_an_approver_may_rewind_main(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    edit_models(clone)
    assert push(clone, "main", env=APPROVER_ENV).accepted
    result = push(clone, "+HEAD~1:main", env=APPROVER_ENV)
    assert result.accepted, result
    assert head(server) == clone.git("rev-parse", "HEAD~1").strip()


def test_a_clean_force_push_to_a_feature_branch_is_accepted(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    clone.git("checkout", "-q", "-b", "feature")
    clone.write("app/services.py", "X = 1\n")
    clone.commit("one")
    assert push(clone, "feature", env=AGENT).accepted
    clone.git("reset", "-q", "--hard", "HEAD~1")
    clone.write("app/services.py", "X = 2\n")
    sha = clone.commit("one, again")
    result = push(clone, "+feature", env=AGENT)
    assert result.accepted, result
    assert head(server, "refs/heads/feature") == sha


def test_rewinding_a_feature_branch_past_a_protected_change_needs_approval(
    server_and_clone: Servers,
) -> None:
    _, clone = server_and_clone
    clone.git("checkout", "-q", "-b", "feature")
    edit_models(clone)
    assert push(clone, "feature", env=APPROVER_ENV).accepted
    result = push(clone, "+HEAD~1:feature", env=AGENT)  # removes the approved change
    assert not result.accepted, result
    assert "protected-file" in result.output and "ref-rules" not in result.output


def test_deny_force_and_deny_delete_from_the_config(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    config = CONFIG + "checks:\n  ref-rules:\n    deny_force: ['release/*']\n"
    config += "    deny_delete: ['release/*']\n"
    clone.write(".agent-guard.yaml", config)
    clone.commit("Protect release branches")
    assert push(clone, "main", env=APPROVER_ENV).accepted
    clone.write("app/services.py", "X = 1\n")
    clone.commit("release work")
    assert push(clone, "HEAD:release/1", "HEAD:topic", env=AGENT).accepted
    forced = push(clone, "+HEAD~1:release/1", env=AGENT)
    assert not forced.accepted and "rewrites the history of refs/heads/release/1" in forced.output
    deleted = push(clone, ":release/1", env=AGENT)
    assert not deleted.accepted and "deletes refs/heads/release/1" in deleted.output
    assert push(clone, ":topic", env=AGENT).accepted  # not protected
    assert head(server, "refs/heads/release/1")


def test_a_bad_deny_force_value_is_a_config_error_with_its_line(
    server_and_clone: Servers,
) -> None:
    _, clone = server_and_clone
    clone.write(".agent-guard.yaml", CONFIG + "checks:\n  ref-rules:\n    deny_force: 3\n")
    result = clone.cli("rules")
    assert result.returncode == 2
    assert ".agent-guard.yaml:5" in result.stdout + result.stderr


def test_deleting_the_default_branch_is_rejected(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    server.git("config", "receive.denyDeleteCurrent", "warn")
    result = push(clone, ":main", env=AGENT)
    assert not result.accepted, result
    assert "deletes refs/heads/main, the default branch" in result.output
    assert head(server)


def test_a_re_created_branch_is_judged_by_the_default_branch_policy(
    server_and_clone: Servers,
) -> None:
    server, clone = server_and_clone
    server.git("config", "receive.denyNonFastForwards", "true")
    clone.git("checkout", "-q", "-b", "feature")
    clone.write("app/services.py", "X = 1\n")
    clone.commit("feature work")
    assert push(clone, "feature", env=AGENT).accepted
    assert push(clone, ":feature", env=AGENT).accepted  # an unprotected branch
    clone.git("rm", "-q", ".agent-guard.yaml")
    clone.commit("Drop the config")
    result = push(clone, "feature", env=AGENT)
    assert not result.accepted, result
    assert "judged by the policy of the default branch" in result.output
    assert "policy-change" in result.output


# -- 4: a merge that only deletes lines ----------------------------------------------------


def _merge(clone: GitRepo, evil: Callable[[], None] | None) -> str:
    clone.git("checkout", "-q", "-b", "side")
    clone.write("app/services.py", (clone.path / "app/services.py").read_text() + "Y = 2\n")
    clone.commit("side work")
    clone.git("checkout", "-q", "main")
    clone.write("app/other.py", "Z = 3\n")
    clone.commit("main work")
    clone.git("merge", "-q", "--no-ff", "--no-commit", "side")
    if evil is not None:
        evil()
    clone.git("add", "-A")
    clone.git("commit", "-q", "-m", "Merge side")
    return clone.git("rev-parse", "HEAD").strip()


def test_an_evil_merge_that_only_deletes_lines_is_rejected(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = head(server)

    def drop_lines() -> None:
        clone.write("app/models.py", "class User:\n")  # drops the `name` column
        config = (clone.path / ".agent-guard.yaml").read_text()
        clone.write(".agent-guard.yaml", "\n".join(config.splitlines()[:1]) + "\n")

    _merge(clone, drop_lines)
    result = push(clone, "main", env=AGENT)
    assert not result.accepted, result
    assert "modifies app/models.py" in result.output
    assert "policy-change" in result.output
    assert head(server) == before


def test_a_clean_merge_is_accepted(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    sha = _merge(clone, None)
    result = push(clone, "main", env=AGENT)
    assert result.accepted, result
    assert head(server) == sha


# -- 7: suppressions the push adds ---------------------------------------------------------


def test_an_agent_cannot_allowlist_its_own_secret(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = head(server)
    for comment, reason in (
        ("# agent-guard: allow-secret test fixture", "'test fixture'"),
        ("# pragma: allowlist secret", "'no reason given'"),
    ):
        clone.write("app/settings.py", f'TOKEN = "{TOKEN}"  {comment}\n')
        clone.commit("Add the token")
        result = push(clone, "main", env=AGENT)
        assert not result.accepted, (comment, result)
        assert f"suppressed in this push ({reason})" in result.output
        assert "counts only in an approved commit" in result.output
        assert "passed" not in result.output
        clone.git("reset", "-q", "--hard", "HEAD~1")
    assert head(server) == before


def test_an_approvers_push_honours_the_suppression_and_lists_it(
    server_and_clone: Servers,
) -> None:
    _, clone = server_and_clone
    clone.write("app/settings.py", f'TOKEN = "{TOKEN}"  # agent-guard: allow-secret test fixture\n')
    clone.commit("Add the token")
    result = push(clone, "main", env=APPROVER_ENV)
    assert result.accepted, result
    assert "suppression honoured: app/settings.py:1 secret ('test fixture')" in result.output
    assert "approved by lead" in result.output


def test_a_team_may_let_code_style_suppressions_through(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    line = 'def run() -> None:\n    print("hi")  # agent-guard: ignore[print-call] CLI output\n'
    clone.write("app/report.py", line)
    clone.commit("A CLI")
    refused = push(clone, "main", env=AGENT)
    assert not refused.accepted, refused
    assert "print-call" in refused.output and "suppressed in this push" in refused.output
    clone.git("reset", "-q", "--soft", "HEAD~1")
    clone.write(".agent-guard.yaml", CONFIG + "  server_suppressible: [print-call]\n")
    clone.commit("Let print-call suppressions through")
    assert push(clone, "main", env=APPROVER_ENV).accepted  # a policy change: approver
    clone.write("app/cli2.py", line)
    clone.commit("Another CLI")
    result = push(clone, "main", env=AGENT)
    assert result.accepted, result
    assert "suppression honoured: app/cli2.py:2 print-call" in result.output


def test_secret_is_never_server_suppressible(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    clone.write(".agent-guard.yaml", CONFIG + "  server_suppressible: [secret]\n")
    result = clone.cli("rules")
    assert result.returncode == 2
    out = result.stdout + result.stderr
    assert ".agent-guard.yaml:3" in out and "never suppressible" in out


# -- 11: deleting main does not make the repository new --------------------------------------


def test_deleting_main_does_not_reopen_the_first_push_exception(
    server_and_clone: Servers, make_repo: Callable[..., GitRepo]
) -> None:
    server, _ = server_and_clone
    server.git("config", "receive.denyDeleteCurrent", "ignore")
    other = make_repo("other")
    write_project(other, config="escalation:\n  approvers: [agent-bot]\n")
    other.commit("My own policy")
    other.git("remote", "add", "origin", str(server.path))
    assert push(other, ":main", env=APPROVER_ENV).accepted  # an approver may delete it
    result = push(other, "+main", env=AGENT)
    assert not result.accepted, result
    assert "no trusted policy" in result.output
    assert "first-push exception is only for a new repository" in result.output


def test_an_emptied_and_pruned_repository_is_still_not_new(
    server_and_clone: Servers, make_repo: Callable[..., GitRepo]
) -> None:
    """After every ref is deleted and `gc --prune=now` empties the store, the mark the
    hook wrote on accepting a push still says the repository held commits."""
    server, _ = server_and_clone
    server.git("config", "receive.denyDeleteCurrent", "ignore")
    other = make_repo("other")
    write_project(other, config="escalation:\n  approvers: [agent-bot]\n")
    other.commit("My own policy")
    other.git("remote", "add", "origin", str(server.path))
    assert push(other, ":main", env=APPROVER_ENV).accepted
    server.git("gc", "-q", "--prune=now")
    assert not list((server.path / "objects" / "pack").glob("*.pack"))
    result = push(other, "main", env=AGENT)
    assert not result.accepted, result
    assert "no trusted policy" in result.output


def test_the_first_push_of_an_existing_history_with_a_server_policy(
    make_repo: Callable[..., GitRepo],
) -> None:
    policy = make_repo("server-policy")
    write_project(policy)
    server = make_repo("empty.git", bare=True)
    install_pre_receive(server, "--policy", str(policy.path))
    clone = make_repo("history")
    write_project(clone, config="escalation:\n  approvers: [agent-bot]\n")
    clone.commit("Initial project")
    clone.git("remote", "add", "origin", str(server.path))
    refused = push(clone, "main", env=AGENT)  # judged by the server's policy, not its own
    assert not refused.accepted, refused
    assert push(clone, "main", env=APPROVER_ENV).accepted


# -- refs at scale -----------------------------------------------------------------------


def _git_processes_for_tags(server: GitRepo, tip: str, count: int, trace: Path) -> int:
    """How many git processes the hook starts for `count` new tags at an existing commit
    (git's own trace2 log has one `start` event per process)."""
    zero = "0" * 40
    trace.unlink(missing_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "agent_guard", "hook", "pre-receive", *RELAXED_BUDGET],
        cwd=server.path,
        input="".join(f"{zero} {tip} refs/tags/t{n}\n" for n in range(count)),
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "GIT_TRACE2_EVENT": str(trace)},
    )
    assert result.returncode == 0, result
    assert "passed: no findings" in result.stdout
    return sum('"event":"start"' in line for line in trace.read_text().splitlines())


def test_20000_tags_at_an_existing_commit_cost_a_constant_number_of_git_processes(
    server_and_clone: Servers, tmp_path: Path
) -> None:
    # What made 3,000 tags overrun the budget was a git process per ref. The cost is now a
    # fixed number of processes, whatever the number of refs; the time itself is measured
    # by the benchmarks, not asserted here (a busy machine would make it flaky).
    server, _ = server_and_clone
    tip = head(server)
    few = _git_processes_for_tags(server, tip, 20, tmp_path / "few.trace")
    many = _git_processes_for_tags(server, tip, 20000, tmp_path / "many.trace")
    assert 0 < many == few <= 10, (few, many)


def test_the_over_budget_message_says_what_was_slow(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    install_pre_receive(server, "--time-budget", "0.001")
    clone.write("app/services.py", "X = 1\n")
    clone.commit("tiny")
    result = push(clone, "main")
    assert not result.accepted
    assert "exhausted while " in result.output
