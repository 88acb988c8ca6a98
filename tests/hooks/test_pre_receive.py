"""The server hook through real pushes into a bare repository with hooks/pre-receive."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RELAXED_BUDGET, GitRepo
from tests.hooks.conftest import (
    APPROVER_ENV,
    CONFIG,
    MODELS,
    install_pre_receive,
    push,
    write_project,
)

TRAILER = "Escalation-Approved-By: Lead <lead@example.com>"
Servers = tuple[GitRepo, GitRepo]


def edit_models(clone: GitRepo, message: str = "Add email to User") -> str:
    clone.write("app/models.py", MODELS + "    email: str\n")
    return clone.commit(message)


def server_head(server: GitRepo, ref: str = "refs/heads/main") -> str:
    return server.git("rev-parse", "--verify", "--quiet", ref, check=False).strip()


def test_clean_push_is_accepted(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    clone.write("app/services.py", "def greet(name: str) -> str:\n    return name\n")
    sha = clone.commit("Simplify greet")
    result = push(clone, "main")
    assert result.accepted, result
    assert server_head(server) == sha


def test_protected_edit_by_a_non_approver_is_rejected(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = server_head(server)
    edit_models(clone)
    result = push(clone, "main")
    assert not result.accepted
    assert "app/models.py" in result.output
    assert "protected-file" in result.output
    assert "approvers: lead, lead@example.com" in result.output
    assert "blocked: 1 escalation" in result.output
    assert server_head(server) == before


def test_a_forged_unsigned_trailer_is_rejected(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = server_head(server)
    edit_models(clone, f"Add email to User\n\n{TRAILER}\n")
    result = push(clone, "main")
    assert not result.accepted, result
    assert "is not trusted: the commit is not signed" in result.output
    assert "refs/heads/main: judged by the policy of its tip before this push" in result.output
    assert server_head(server) == before


def test_the_same_push_made_by_an_approver_is_accepted(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    sha = edit_models(clone)
    result = push(clone, "main", env=APPROVER_ENV)
    assert result.accepted, result
    assert server_head(server) == sha


def test_a_pusher_who_is_not_an_approver_is_rejected(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    edit_models(clone)
    assert not push(clone, "main", env={"GL_USERNAME": "agent-bot"}).accepted


def test_each_host_names_its_pusher(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    edit_models(clone)
    for env in ({"GITHUB_USER_LOGIN": "lead"}, {"GITEA_PUSHER_EMAIL": "LEAD@example.com"}):
        clone.git("reset", "-q", "--hard", "HEAD")
        result = push(clone, "main", env=env)
        assert result.accepted, (env, result)
        clone.write("app/models.py", MODELS + f"    n{len(env)}: int\n")
        clone.commit("another edit")


def ssh_signing_key(home: Path, clone: GitRepo) -> str:
    """Generate an ed25519 key and make `clone` sign commits with it; returns the public key."""
    key = home / "approver_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lead", "-f", str(key)], check=True
    )
    clone.git("config", "gpg.format", "ssh")
    clone.git("config", "user.signingkey", str(key))
    return (home / "approver_key.pub").read_text().strip()


@pytest.fixture
def signing_setup(server_and_clone: Servers, tmp_path: Path) -> tuple[GitRepo, GitRepo, str]:
    """The approver's SSH key listed in .agent-guard/allowed_signers on the server's main."""
    server, clone = server_and_clone
    public = ssh_signing_key(tmp_path, clone)
    clone.write(".agent-guard/allowed_signers", f"lead@example.com {public}\n")
    clone.commit("List the approver's signing key")
    result = push(clone, "main", env=APPROVER_ENV)  # a policy change: the approver pushes it
    assert result.accepted, result
    return server, clone, public


def test_a_commit_signed_by_the_approver_is_accepted(
    signing_setup: tuple[GitRepo, GitRepo, str],
) -> None:
    server, clone, _ = signing_setup
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.git("add", "-A")
    clone.git("commit", "-q", "-S", "-m", f"Add email to User\n\n{TRAILER}\n")
    result = push(clone, "main")
    assert result.accepted, result
    assert server_head(server) == clone.git("rev-parse", "HEAD").strip()


def test_an_approval_commit_on_top_approves_the_commits_below(
    signing_setup: tuple[GitRepo, GitRepo, str],
) -> None:
    _, clone, _ = signing_setup
    edit_models(clone)
    clone.git(
        "commit", "-q", "-S", "--allow-empty", "-m", f"Approve the models change\n\n{TRAILER}"
    )
    result = push(clone, "main")
    assert result.accepted, result


def test_a_signature_by_a_key_that_is_not_listed_is_rejected(
    server_and_clone: Servers, tmp_path: Path
) -> None:
    _, clone = server_and_clone
    ssh_signing_key(tmp_path, clone)  # a key, but not in allowed_signers on the server
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.git("add", "-A")
    clone.git("commit", "-q", "-S", "-m", f"Add email\n\n{TRAILER}\n")
    result = push(clone, "main")
    assert not result.accepted
    assert "does not verify" in result.output


def test_a_key_added_in_the_same_push_does_not_count(
    server_and_clone: Servers, tmp_path: Path
) -> None:
    _, clone = server_and_clone
    public = ssh_signing_key(tmp_path, clone)
    clone.write(".agent-guard/allowed_signers", f"lead@example.com {public}\n")
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.git("add", "-A")
    clone.git("commit", "-q", "-S", "-m", f"Add my key and edit models\n\n{TRAILER}\n")
    result = push(clone, "main")
    assert not result.accepted, result
    assert "policy-change" in result.output


def _signed_approval(clone: GitRepo, message: str = "Add email to User") -> str:
    """The approver's own signed approval of a models edit: the legitimate twin."""
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.git("add", "-A")
    clone.git("commit", "-q", "-S", "-m", f"{message}\n\n{TRAILER}\n")
    return clone.git("rev-parse", "HEAD").strip()


def test_a_replace_ref_cannot_lend_a_signature_to_a_forged_approval(
    signing_setup: tuple[GitRepo, GitRepo, str],
) -> None:
    """A `refs/replace/` ref on the server makes git read the forged commit as the signed one,
    unless every git call says `--no-replace-objects`: the signature check must say it too."""
    server, clone, _ = signing_setup
    signed = _signed_approval(clone)
    twin = push(clone, "main")
    assert twin.accepted, twin  # the approver's signed approval is accepted
    assert "signed approval by" in twin.output
    clone.git("config", "commit.gpgsign", "false")
    clone.write("app/models.py", MODELS + "    email: str\n    phone: str\n")
    forged = clone.commit(f"Add phone to User\n\n{TRAILER}\n")  # unsigned, forged trailer
    replace = f"refs/replace/{forged}"
    signers = clone.path / ".agent-guard" / "allowed_signers"
    status = ("-c", f"gpg.ssh.allowedSignersFile={signers}", "log", "-1", "--format=%G?", forged)
    clone.git("update-ref", replace, signed)  # what the ref does: git reads the signed commit
    assert clone.git(*status).strip() == "G"
    assert clone.git("--no-replace-objects", *status).strip() == "N"
    clone.git("update-ref", "-d", replace)
    server.git("update-ref", replace, signed)
    before = server_head(server)
    result = push(clone, "main")
    assert not result.accepted, result
    assert "is not trusted: the commit is not signed" in result.output
    assert server_head(server) == before


def test_weakening_the_policy_and_editing_a_protected_file_is_rejected(
    server_and_clone: Servers,
) -> None:
    server, clone = server_and_clone
    before = server_head(server)
    clone.write(".agent-guard.yaml", CONFIG + "  protected: []\nchecks:\n  protected-file:\n"
                "    enabled: false\n")  # fmt: skip
    clone.write(".cursor/rules/backend.mdc", "---\ndescription: nothing\n---\n")
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.commit("Relax the rules and edit models")
    result = push(clone, "main")
    assert not result.accepted
    assert "protected-file" in result.output  # judged by the policy before the push
    assert "policy-change" in result.output
    assert server_head(server) == before


def test_a_multi_ref_push_with_one_bad_ref_is_rejected_whole(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    before = server_head(server)
    clone.git("checkout", "-q", "-b", "feature")
    edit_models(clone)
    clone.git("checkout", "-q", "main")
    clone.write("app/services.py", "def greet(name: str) -> str:\n    return name\n")
    clone.commit("Simplify greet")
    result = push(clone, "main", "feature")
    assert not result.accepted
    assert server_head(server) == before
    assert server_head(server, "refs/heads/feature") == ""


def test_new_branch_delete_and_tag_pushes(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    clone.git("checkout", "-q", "-b", "topic")
    clone.write("app/extra.py", "VALUE = 1\n")
    clone.commit("Add extra")
    assert push(clone, "topic").accepted
    clone.git("tag", "v1")
    clone.git("tag", "-a", "v1-annotated", "-m", "release")
    assert push(clone, "v1", "v1-annotated").accepted
    assert server_head(server, "refs/tags/v1-annotated")
    assert push(clone, ":topic").accepted  # delete
    assert server_head(server, "refs/heads/topic") == ""
    edit_models(clone)
    clone.git("tag", "bad-tag")
    result = push(clone, "bad-tag")
    assert not result.accepted
    assert "protected-file" in result.output


def test_a_new_branch_is_judged_by_the_default_branch_policy(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    clone.git("checkout", "-q", "-b", "loose")
    clone.write(".agent-guard.yaml", "escalation:\n  approvers: [agent-bot]\n")
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.commit("Make myself an approver")
    result = push(clone, "loose", env={"GL_USERNAME": "agent-bot"})
    assert not result.accepted
    assert "judged by the policy of the default branch" in result.output


def test_a_200_commit_push_is_checked_within_budget(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    script = "".join(
        f"commit refs/heads/main\ncommitter A <a@x> {1700000000 + n} +0000\ndata 6\nc{n:04d}\n"
        f"{'from refs/heads/main^0' if n == 0 else ''}\n"
        f"M 100644 inline app/mod{n % 20}.py\ndata {len(f'V = {n}' + chr(10))}\nV = {n}\n\n"
        for n in range(200)
    )
    clone.git("fast-import", "--quiet", "--force", input=script.encode())
    clone.git("reset", "-q", "--hard", "main")
    assert clone.git("rev-list", "--count", "origin/main..main").strip() == "200"
    started = time.perf_counter()
    result = push(clone, "main")
    elapsed = time.perf_counter() - started
    assert result.accepted, result
    assert server_head(server) == clone.git("rev-parse", "main").strip()
    assert elapsed < 4, f"200-commit push took {elapsed:.2f} s"


def test_gitlab_prefix_on_every_line_when_gl_id_is_set(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    edit_models(clone)
    result = push(clone, "main", env={"GL_ID": "user-7", "GL_USERNAME": "agent-bot"})
    assert not result.accepted
    remote_lines = [
        line.removeprefix("remote: ")
        for line in result.output.splitlines()
        if line.startswith("remote: ") and line.strip() != "remote:"
    ]
    assert remote_lines
    assert all(line.startswith("GL-HOOK-ERR: ") for line in remote_lines), remote_lines


def test_no_prefix_without_gitlab(server_and_clone: Servers) -> None:
    _, clone = server_and_clone
    edit_models(clone)
    result = push(clone, "main")
    assert "GL-HOOK-ERR" not in result.output


def test_skip_push_option_is_not_a_bypass(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    server.git("config", "receive.advertisePushOptions", "true")
    edit_models(clone)
    result = push(clone, "main", options=("agent-guard.skip=hotfix",))
    assert not result.accepted
    assert "agent-guard.skip=hotfix` ignored" in result.output


def test_policy_directory_on_the_server(
    server_and_clone: Servers, make_repo: Callable[..., GitRepo]
) -> None:
    server, clone = server_and_clone
    policy = make_repo("server-policy")
    write_project(policy, config="escalation:\n  approvers: [ops]\n")
    install_pre_receive(server, "--policy", str(policy.path))
    edit_models(clone)
    assert not push(clone, "main", env=APPROVER_ENV).accepted  # lead is not an approver there
    assert push(clone, "main", env={"GL_USERNAME": "ops"}).accepted


def run_hook(
    server: GitRepo, stdin: str, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agent_guard", "hook", "pre-receive", *RELAXED_BUDGET, *args],
        cwd=server.path,
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def test_fails_closed_with_one_line_and_fail_open_lets_it_through(
    server_and_clone: Servers,
) -> None:
    server, _ = server_and_clone
    closed = run_hook(server, "not a pre-receive line\n")
    assert closed.returncode == 1
    lines = closed.stdout.strip().splitlines()
    assert len(lines) == 1 and "push rejected (fail closed)" in lines[0], closed
    assert "Traceback" not in closed.stdout + closed.stderr
    opened = run_hook(server, "not a pre-receive line\n", "--fail-open")
    assert opened.returncode == 0
    assert "accepted unchecked (--fail-open)" in opened.stdout
    gitlab = run_hook(server, "garbage\n", env={"GL_ID": "user-1"})
    assert gitlab.stdout.startswith("GL-HOOK-ERR: agent-guard: cannot check this push")


def test_a_pushed_tip_the_hook_cannot_see_is_rejected_not_skipped(
    server_and_clone: Servers,
) -> None:
    """If the hook's git calls lost the quarantine (GIT_OBJECT_DIRECTORY, ...), the pushed
    commits would be missing; a missing tip must reject the push, never read as "a tag of
    a tree, nothing to check" (which passed a protected edit)."""
    server, _ = server_and_clone
    old = server_head(server)
    missing = "1234567890abcdef1234567890abcdef12345678"
    result = run_hook(server, f"{old} {missing} refs/heads/main\n")
    assert result.returncode == 1, result
    assert "push rejected (fail closed)" in result.stdout
    assert missing in result.stdout


def test_time_budget_rejects_with_a_clear_message(server_and_clone: Servers) -> None:
    server, clone = server_and_clone
    install_pre_receive(server, "--time-budget", "0.001")
    clone.write("app/services.py", "X = 1\n")
    clone.commit("tiny")
    result = push(clone, "main")
    assert not result.accepted
    assert "time budget of 0.001 s exhausted" in result.output


def test_first_push_into_an_empty_repository_is_judged_by_its_own_policy(
    make_repo: Callable[..., GitRepo],
) -> None:
    server = make_repo("empty.git", bare=True)
    install_pre_receive(server)
    clone = make_repo("first")
    write_project(clone)
    clone.commit("Initial project")
    clone.git("remote", "add", "origin", str(server.path))
    refused = push(clone, "main", env={"GL_USERNAME": "agent-bot"})
    assert not refused.accepted
    assert "policy-change" in refused.output
    assert push(clone, "main", env=APPROVER_ENV).accepted


def _gpg_key(tmp_path: Path, uid: str) -> dict[str, str]:
    """A GnuPG home with one signing key for `uid` (ultimately trusted, as its owner's is)."""
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    env = {"GNUPGHOME": str(home)}
    subprocess.run(
        ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
         "--quick-gen-key", uid, "ed25519", "sign", "never"],
        env={**os.environ, **env}, check=True, capture_output=True,
    )  # fmt: skip
    return env


def _gpg_signed_models_edit(clone: GitRepo, env: dict[str, str], signer: str) -> None:
    clone.git("config", "gpg.format", "openpgp")
    clone.git("config", "user.signingkey", signer)
    clone.write("app/models.py", MODELS + "    email: str\n")
    clone.git("add", "-A")
    clone.git("commit", "-q", "-S", "-m", f"Add email to User\n\n{TRAILER}\n", env=env)


def test_a_commit_gpg_signed_by_the_approver_is_accepted(
    server_and_clone: Servers, tmp_path: Path
) -> None:
    """GPG: the keyring the server hook runs with decides whose signature is good."""
    server, clone = server_and_clone
    env = _gpg_key(tmp_path, "Lead <lead@example.com>")
    _gpg_signed_models_edit(clone, env, "lead@example.com")
    result = push(clone, "main", env=env)
    assert result.accepted, result
    assert "signed approval by lead" in result.output
    assert server_head(server) == clone.git("rev-parse", "HEAD").strip()


def test_a_gpg_signature_by_someone_else_does_not_approve(
    server_and_clone: Servers, tmp_path: Path
) -> None:
    server, clone = server_and_clone
    before = server_head(server)
    env = _gpg_key(tmp_path, "Mallory <mallory@example.com>")
    _gpg_signed_models_edit(clone, env, "mallory@example.com")
    result = push(clone, "main", env=env)
    assert not result.accepted, result
    assert "protected-file" in result.output
    assert server_head(server) == before


def test_the_parsers_warnings_about_pushed_code_never_reach_the_pusher(
    server_and_clone: Servers,
) -> None:
    """Python warns while parsing code with an invalid escape or `is` against a literal;
    on a server each would be a `remote:` line, one per place in every pushed file."""
    server, clone = server_and_clone
    clone.write(
        "app/patterns.py",
        'import re\n\nDIGITS = re.compile("\\d+")\n\n\ndef empty(value: str) -> bool:\n'
        '    return value is ""\n',
    )
    sha = clone.commit("Add patterns")
    result = push(clone, "main")
    assert result.accepted, result
    assert "Warning" not in result.output
    assert server_head(server) == sha
