"""`agent-guard approve`: judges as the server will, and writes the approval the server accepts.

Real git throughout: an ed25519 key made by ssh-keygen, `gpg.format=ssh`, the approver's key
in `.agent-guard/allowed_signers` on the server's main, and real pushes into a bare
repository whose pre-receive hook is agent-guard's.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GitRepo
from tests.hooks.conftest import APPROVER_ENV, MODELS, install_pre_receive, push, write_project
from tests.hooks.test_pre_receive import TRAILER, server_head, ssh_signing_key

Servers = tuple[GitRepo, GitRepo]


def become_lead(clone: GitRepo) -> None:
    clone.git("config", "user.name", "Lead")
    clone.git("config", "user.email", "lead@example.com")


@pytest.fixture
def signed_setup(server_and_clone: Servers, tmp_path: Path) -> Servers:
    """The lead's SSH key listed in .agent-guard/allowed_signers on the server's main; the
    clone signs with it once it is the lead's (`become_lead`)."""
    server, clone = server_and_clone
    public = ssh_signing_key(tmp_path, clone)
    clone.write(".agent-guard/allowed_signers", f"lead@example.com {public}\n")
    clone.commit("List the approver's key")
    assert push(clone, "main", env=APPROVER_ENV).accepted
    return server, clone


def agent_edits_models(clone: GitRepo, message: str = "Agent edits models") -> str:
    clone.write("app/models.py", MODELS + "    email: str\n")
    return clone.commit(message)  # as Agent Smith, unsigned


def test_a_forged_trailer_is_not_an_approval_then_a_signed_one_is(
    signed_setup: Servers,
) -> None:
    server, clone = signed_setup
    before = server_head(server)
    forged = agent_edits_models(clone, f"Agent edits models\n\n{TRAILER}\n")
    rejected = push(clone, "main")
    assert not rejected.accepted, rejected
    become_lead(clone)
    checked = clone.cli("approve", "--dry-run")
    assert checked.returncode == 0, checked.stderr
    assert "nothing" not in checked.stdout
    assert "app/models.py" in checked.stdout
    assert f"{forged[:12]}: {TRAILER} is not trusted: the commit is not signed" in checked.stdout
    assert "need an approval the server accepts" in checked.stdout
    assert clone.git("rev-parse", "HEAD").strip() == forged
    result = clone.cli("approve")
    assert result.returncode == 0, result.stdout + result.stderr
    approval = clone.git("rev-parse", "HEAD").strip()
    assert f"wrote {approval[:12]}: an empty approval commit on top of {forged[:12]}" in (
        result.stdout
    )
    assert "signed with your SSH key" in result.stdout
    assert "1 escalation(s) approved by lead" in result.stdout
    assert "push it: git push origin HEAD:main" in result.stdout
    assert clone.git("rev-parse", "HEAD~1").strip() == forged
    assert clone.git("log", "-1", "--format=%G?", env=_verify_env(clone)).strip() == "G"
    pushed = push(clone, "main")
    assert pushed.accepted, pushed
    assert server_head(server) == approval != before


def _verify_env(clone: GitRepo) -> dict[str, str]:
    signers = clone.path / ".agent-guard" / "allowed_signers"
    return {
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_KEY_0": "gpg.ssh.allowedSignersFile",
        "GIT_CONFIG_VALUE_0": str(signers),
    }


def test_the_approval_keeps_the_staged_change_out_and_staged(signed_setup: Servers) -> None:
    _, clone = signed_setup
    agent_commit = agent_edits_models(clone)
    clone.write("notes.txt", "staged, not part of the approval\n")
    clone.add("notes.txt")
    become_lead(clone)
    result = clone.cli("approve")
    assert result.returncode == 0, result.stdout + result.stderr
    assert clone.git("rev-parse", "HEAD~1").strip() == agent_commit
    assert clone.git("diff", "--cached", "--name-only").strip() == "notes.txt"
    assert clone.git("show", "--name-only", "--format=", "HEAD").strip() == ""
    assert TRAILER in clone.git("log", "-1", "--format=%B")
    assert push(clone, "main").accepted


def test_amend_signs_an_unpushed_head_and_keeps_its_author(signed_setup: Servers) -> None:
    _, clone = signed_setup
    before = agent_edits_models(clone, "Agent edits models\n\nSigned-off-by: Agent <a@x.org>")
    become_lead(clone)
    result = clone.cli("approve", "--amend")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"amended HEAD (was {before[:12]})" in result.stdout
    message = clone.git("log", "-1", "--format=%B").strip()
    assert message.endswith(f"Signed-off-by: Agent <a@x.org>\n{TRAILER}")
    assert clone.git("log", "-1", "--format=%an %cn").strip() == "Agent Smith Lead"
    assert clone.git("show", "--name-only", "--format=", "HEAD").strip() == "app/models.py"
    assert push(clone, "main").accepted


def test_amend_never_rewrites_a_pushed_commit(signed_setup: Servers) -> None:
    _, clone = signed_setup
    clone.git("checkout", "-q", "-b", "feature")
    pushed = agent_edits_models(clone)
    clone.git("update-ref", "refs/remotes/origin/feature", "HEAD")  # as if it were pushed
    clone.git("branch", "--set-upstream-to=origin/main")
    become_lead(clone)
    result = clone.cli("approve", "--amend")
    assert result.returncode == 2
    assert "--amend would rewrite HEAD, which is already on origin/feature" in result.stderr
    assert clone.git("rev-parse", "HEAD").strip() == pushed


def test_a_key_the_server_does_not_allow_writes_nothing(
    signed_setup: Servers, tmp_path: Path
) -> None:
    _, clone = signed_setup
    agent_commit = agent_edits_models(clone)
    become_lead(clone)
    (tmp_path / "other").mkdir()
    ssh_signing_key(tmp_path / "other", clone)  # a new key, not in allowed_signers
    result = clone.cli("approve")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "not written:" in result.stderr
    assert "is not trusted: its signature does not verify" in result.stderr
    assert "add your public key there" in result.stderr
    assert clone.git("rev-parse", "HEAD").strip() == agent_commit
    assert not push(clone, "main").accepted


def test_a_trailer_naming_no_approver_is_reported(signed_setup: Servers) -> None:
    _, clone = signed_setup
    forged = agent_edits_models(clone, "Agent edits\n\nEscalation-Approved-By: Agent Smith")
    become_lead(clone)
    result = clone.cli("approve", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"{forged[:12]}: Escalation-Approved-By: Agent Smith names no configured approver" in (
        result.stdout
    )


def test_no_signing_key_is_one_line_with_the_fix(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    before = agent_edits_models(clone)
    become_lead(clone)
    result = clone.cli("approve")
    assert result.returncode == 2
    last = result.stderr.strip().splitlines()
    assert len(last) == 1
    assert "no signing key configured" in last[0]
    assert "git config user.signingkey" in last[0]
    assert clone.git("rev-parse", "HEAD").strip() == before


def test_only_an_approver_can_approve(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    before = agent_edits_models(clone)
    result = clone.cli("approve")
    assert result.returncode == 2
    assert "are not a configured approver (lead, lead@example.com)" in result.stderr
    assert clone.git("rev-parse", "HEAD").strip() == before


def test_nothing_to_approve(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    clone.write("app/services.py", "X = 1\n")
    clone.commit("Plain change")
    result = clone.cli("approve")
    assert result.returncode == 0
    assert "nothing in origin/main..HEAD needs approval" in result.stdout


def test_a_replace_ref_does_not_lend_a_signature(signed_setup: Servers) -> None:
    """An approver's signed commit, swapped in for the forged one by refs/replace/: approve,
    like the server, reads past it (the one runner's --no-replace-objects)."""
    _, clone = signed_setup
    become_lead(clone)
    clone.write("app/services.py", "X = 2\n")
    clone.git("add", "-A")
    clone.git("commit", "-q", "-S", "-m", f"Harmless\n\n{TRAILER}")
    signed = clone.git("rev-parse", "HEAD").strip()
    clone.git("reset", "-q", "--hard", "HEAD~1")
    clone.git("config", "user.name", "Agent Smith")
    forged = agent_edits_models(clone, f"Agent edits models\n\n{TRAILER}\n")
    clone.git("replace", forged, signed)
    become_lead(clone)
    result = clone.cli("approve", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert f"{forged[:12]}: {TRAILER} is not trusted: the commit is not signed" in result.stdout


def test_the_first_push_of_an_existing_history_bootstraps_with_policy_dir(
    make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """An empty server whose hook runs with --policy DIR (the approver's key listed there):
    the agent's push of the history is rejected with the way in; the lead's signed approval
    on top, made with `approve --policy DIR`, lets the whole history in."""
    clone = make_repo("clone")
    write_project(clone)
    clone.commit("Initial project")
    agent_edits_models(clone)
    policy = tmp_path / "policy"
    for name in (".cursor/rules/backend.mdc", ".agent-guard.yaml"):
        (policy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(clone.path / name, policy / name)
    public = ssh_signing_key(tmp_path, clone)
    (policy / ".agent-guard").mkdir()
    (policy / ".agent-guard" / "allowed_signers").write_text(f"lead@example.com {public}\n")
    server = make_repo("server.git", bare=True)
    install_pre_receive(server, "--policy", str(policy))
    clone.git("remote", "add", "origin", str(server.path))
    rejected = push(clone, "main")
    assert not rejected.accepted, rejected
    assert "creates the repository's first branch" in rejected.output
    assert "agent-guard approve --policy DIR" in rejected.output
    become_lead(clone)
    refused = clone.cli("approve")
    assert refused.returncode == 2
    assert "give approve the server's policy with --policy DIR" in refused.stderr
    result = clone.cli("approve", "--policy", str(policy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "HEAD (the first branch on origin, empty)" in result.stdout
    pushed = push(clone, "main")
    assert pushed.accepted, pushed
    assert server_head(server) == clone.git("rev-parse", "HEAD").strip()


def test_an_explicit_range_is_judged_and_a_symmetric_one_refused(signed_setup: Servers) -> None:
    _, clone = signed_setup
    base = clone.git("rev-parse", "HEAD").strip()
    agent_edits_models(clone)
    clone.write("app/services.py", "X = 3\n")
    clone.commit("Plain change on top")
    become_lead(clone)
    single = clone.cli("approve", "--dry-run", "HEAD")
    assert "nothing in HEAD needs approval" in single.stdout, single.stdout + single.stderr
    ranged = clone.cli("approve", "--dry-run", f"{base}..HEAD")
    assert "1 escalation(s) in" in ranged.stdout, ranged.stdout + ranged.stderr
    assert "lead would approve them with a commit signed by SSH key" in ranged.stdout
    symmetric = clone.cli("approve", f"{base}...HEAD")
    assert symmetric.returncode == 2
    assert "give approve a range A..B or one revision" in symmetric.stderr


def test_an_error_no_approval_lifts_is_said_after_approving(signed_setup: Servers) -> None:
    server, clone = signed_setup
    before = server_head(server)
    clone.write("app/models.py", MODELS + "    email: str\n\ndef f(x=[]):\n    print(x)\n")
    clone.commit("Agent edits models and prints")
    become_lead(clone)
    result = clone.cli("approve")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "approved by lead" in result.stdout
    assert "still blocked by" in result.stdout and "no approval lifts" in result.stdout
    assert not push(clone, "main").accepted
    assert server_head(server) == before
