"""`agent-guard approve`: a human approver writes the trailer, signed, and the server accepts."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import GitRepo
from tests.hooks.conftest import MODELS, push
from tests.hooks.test_pre_receive import TRAILER, server_head, ssh_signing_key

Servers = tuple[GitRepo, GitRepo]


def become_lead(clone: GitRepo) -> None:
    clone.git("config", "user.name", "Lead")
    clone.git("config", "user.email", "lead@example.com")


def test_an_empty_signed_approval_commit_is_accepted_by_the_server(
    server_and_clone: Servers, tmp_path: Path
) -> None:
    server, clone = server_and_clone
    public = ssh_signing_key(tmp_path, clone)
    clone.write(".agent-guard/allowed_signers", f"lead@example.com {public}\n")
    clone.commit("List the approver's key")
    assert push(clone, "main", env={"GL_USERNAME": "lead"}).accepted
    clone.write("app/models.py", MODELS + "    email: str\n")
    agent_commit = clone.commit("Agent edits models")  # as Agent Smith
    clone.write("notes.txt", "staged, not part of the approval\n")
    clone.add("notes.txt")
    become_lead(clone)
    clone.git("config", "commit.gpgsign", "true")
    result = clone.cli("approve")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "app/models.py" in result.stdout
    assert "(signed)" in result.stdout
    message = clone.git("log", "-1", "--format=%B")
    assert TRAILER in message
    assert clone.git("rev-parse", "HEAD~1").strip() == agent_commit
    assert clone.git("diff", "--cached", "--name-only").strip() == "notes.txt"
    assert clone.git("show", "--name-only", "--format=", "HEAD").strip() == ""
    pushed = push(clone, "main")
    assert pushed.accepted, pushed
    assert server_head(server) == clone.git("rev-parse", "HEAD").strip()


def test_amend_adds_the_trailer_to_head(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.commit("Agent edits models\n\nSigned-off-by: Agent <agent@example.com>")
    become_lead(clone)
    result = clone.cli("approve", "--amend", "--no-sign")
    assert result.returncode == 0, result.stderr
    assert "not signed" in result.stdout
    message = clone.git("log", "-1", "--format=%B").strip()
    assert message.endswith(f"Signed-off-by: Agent <agent@example.com>\n{TRAILER}")
    assert clone.git("show", "--name-only", "--format=", "HEAD").strip() == "app/models.py"


def test_only_an_approver_can_approve(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    clone.write("app/models.py", MODELS + "    email: str\n")
    before = clone.commit("Agent edits models")
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
    assert "nothing in @{upstream}..HEAD needs approval" in result.stdout
