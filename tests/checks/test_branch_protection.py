"""branch-protection (AG403) through real pushes: a bare server with agent-guard's
pre-receive, and a clone with its pre-push, the policy compiled from a real AGENTS.md."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from tests.conftest import GitRepo
from tests.hooks.conftest import Push, install_pre_receive, push

PUSH_RULES = "# Git\n\n- Never push directly to `main`.\n"
FORCE_RULES = "# Git\n\n- Never force-push.\n- Never delete branches.\n"
REWRITE_RULES = "# Git\n\n- Never amend, squash or rebase pushed commits.\n"
DESTRUCTIVE_RULES = "# Git\n\n- No destructive git operations.\n"
NO_RULES = "# Git\n\n- Keep commits small.\n"

Factory = Callable[..., GitRepo]


def project(make_repo: Factory, rules: str, *, pre_push: bool = False) -> tuple[GitRepo, GitRepo]:
    """A server seeded with main (two commits) and master, and a clone that tracks it."""
    server = make_repo("server.git", bare=True)
    clone = make_repo("clone")
    clone.write("AGENTS.md", rules)
    # The server's own default-branch protection (`ref-rules`, AG501) is off here, so each
    # test sees what branch-protection alone does with the rule file's words.
    clone.write(".agent-guard.yaml", "checks:\n  ref-rules: {enabled: false}\n")
    clone.commit("first")
    clone.write("app.txt", "1\n")
    clone.commit("second")
    clone.git("remote", "add", "origin", str(server.path))
    seeded = push(clone, "main", "main:master", "main:feature")  # by the maintainers: no hook
    assert seeded.accepted, seeded
    install_pre_receive(server)
    if pre_push:
        hook = clone.path / ".git" / "hooks" / "pre-push"
        hook.write_text(f'#!/bin/sh\nexec {sys.executable} -m agent_guard hook pre-push "$@"\n')
        hook.chmod(0o755)
    return server, clone


def new_commit(clone: GitRepo, text: str = "2\n") -> str:
    clone.write("app.txt", text)
    return clone.commit("change")


def rewritten(clone: GitRepo) -> str:
    """Amend the tip: the new tip does not contain the old one."""
    clone.write("app.txt", "amended\n")
    clone.git("add", "-A")
    clone.git("commit", "-q", "--amend", "-m", "second, amended")
    return clone.git("rev-parse", "HEAD").strip()


def rejected(result: Push, what: str) -> None:
    assert not result.accepted, result
    assert "branch-protection" in result.output, result
    assert what in result.output, result


def accepted(result: Push) -> None:
    assert result.accepted, result


# --- rejected ------------------------------------------------------------------------------


def test_a_direct_push_to_main_is_rejected(make_repo: Factory) -> None:
    _, clone = project(make_repo, PUSH_RULES)
    new_commit(clone)
    rejected(push(clone, "main"), "updates the protected branch `main` directly")


def test_moving_main_to_a_commit_the_server_has_is_a_push_too(make_repo: Factory) -> None:
    _, clone = project(make_repo, PUSH_RULES)
    new_commit(clone)
    accepted(push(clone, "main:feature"))
    rejected(push(clone, "main"), "updates the protected branch `main` directly")


def test_a_force_push_to_main_is_rejected(make_repo: Factory) -> None:
    server, clone = project(make_repo, FORCE_RULES)
    before = server.git("rev-parse", "main").strip()
    rewritten(clone)
    rejected(push(clone, "--force", "main"), "rewrites the protected branch `main`")
    assert server.git("rev-parse", "main").strip() == before


def test_resetting_main_to_an_older_commit_is_a_force_push(make_repo: Factory) -> None:
    _, clone = project(make_repo, FORCE_RULES)
    clone.git("reset", "-q", "--hard", "HEAD~1")
    rejected(push(clone, "--force", "main"), "rewrites the protected branch `main`")


def test_a_force_push_to_master_is_rejected(make_repo: Factory) -> None:
    _, clone = project(make_repo, FORCE_RULES)
    rewritten(clone)
    rejected(push(clone, "--force", "main:master"), "rewrites the protected branch `master`")


def test_deleting_master_is_rejected(make_repo: Factory) -> None:
    server, clone = project(make_repo, FORCE_RULES)
    rejected(push(clone, ":master"), "deletes the protected branch `master`")
    assert server.git("rev-parse", "--verify", "master").strip()


def test_rebasing_pushed_commits_of_main_is_rejected(make_repo: Factory) -> None:
    _, clone = project(make_repo, REWRITE_RULES)
    rewritten(clone)
    rejected(push(clone, "--force", "main"), "rewrites the protected branch `main`")


def test_a_destructive_force_push_is_rejected(make_repo: Factory) -> None:
    _, clone = project(make_repo, DESTRUCTIVE_RULES)
    rewritten(clone)
    rejected(push(clone, "--force", "main"), "rewrites the protected branch `main`")


def test_a_destructive_deletion_is_rejected(make_repo: Factory) -> None:
    _, clone = project(make_repo, DESTRUCTIVE_RULES)
    rejected(push(clone, ":master"), "deletes the protected branch `master`")


def test_a_direct_push_to_main_with_a_force_is_rejected_by_the_push_rule(
    make_repo: Factory,
) -> None:
    _, clone = project(make_repo, PUSH_RULES)
    rewritten(clone)
    rejected(push(clone, "--force", "main"), "rewrites the protected branch `main`")


def test_pre_push_stops_a_force_push_before_it_leaves(make_repo: Factory) -> None:
    server, clone = project(make_repo, FORCE_RULES, pre_push=True)
    install_pre_receive(server, "--help")  # the server would accept: pre-push decides
    rewritten(clone)
    rejected(push(clone, "--force", "main"), "rewrites the protected branch `main`")


def test_pre_push_stops_a_direct_push(make_repo: Factory) -> None:
    _, clone = project(make_repo, PUSH_RULES, pre_push=True)
    new_commit(clone)
    rejected(push(clone, "main"), "updates the protected branch `main` directly")


# --- accepted ------------------------------------------------------------------------------


def test_a_push_to_a_feature_branch_is_accepted(make_repo: Factory) -> None:
    _, clone = project(make_repo, PUSH_RULES)
    new_commit(clone)
    accepted(push(clone, "main:feature"))


def test_a_new_branch_is_accepted(make_repo: Factory) -> None:
    _, clone = project(make_repo, PUSH_RULES)
    new_commit(clone)
    accepted(push(clone, "main:fix/parser"))


def test_a_fast_forward_of_main_is_not_a_force_push(make_repo: Factory) -> None:
    _, clone = project(make_repo, FORCE_RULES)
    new_commit(clone)
    accepted(push(clone, "main"))


def test_a_force_push_to_a_feature_branch_is_accepted(make_repo: Factory) -> None:
    _, clone = project(make_repo, FORCE_RULES)
    rewritten(clone)
    accepted(push(clone, "--force", "main:feature"))


def test_deleting_a_feature_branch_is_accepted(make_repo: Factory) -> None:
    _, clone = project(make_repo, FORCE_RULES)
    accepted(push(clone, ":feature"))


def test_a_tag_is_not_a_branch(make_repo: Factory) -> None:
    _, clone = project(make_repo, PUSH_RULES)
    clone.git("tag", "v1")
    accepted(push(clone, "v1"))


def test_without_a_rule_a_force_push_is_accepted(make_repo: Factory) -> None:
    _, clone = project(make_repo, NO_RULES)
    rewritten(clone)
    accepted(push(clone, "--force", "main"))


def test_a_push_to_a_branch_the_rule_does_not_name_is_accepted(make_repo: Factory) -> None:
    _, clone = project(make_repo, PUSH_RULES)
    new_commit(clone)
    accepted(push(clone, "main:master"))


def test_the_first_push_of_main_is_accepted(make_repo: Factory) -> None:
    server = make_repo("server.git", bare=True)
    install_pre_receive(server)
    clone = make_repo("clone")
    clone.write("AGENTS.md", PUSH_RULES)
    clone.commit("first")
    clone.git("remote", "add", "origin", str(server.path))
    result = push(clone, "main")  # its new policy file needs an approver, nothing else
    assert "policy-change" in result.output, result
    assert "branch-protection" not in result.output, result


def test_a_deletion_rule_does_not_stop_a_force_push(make_repo: Factory) -> None:
    _, clone = project(make_repo, "# Git\n\n- Never delete branches.\n")
    rewritten(clone)
    accepted(push(clone, "--force", "main"))


@pytest.mark.parametrize("rules", [FORCE_RULES, REWRITE_RULES])
def test_pre_push_lets_a_fast_forward_through(make_repo: Factory, rules: str) -> None:
    _, clone = project(make_repo, rules, pre_push=True)
    new_commit(clone)
    accepted(push(clone, "main"))
