"""`agent-guard diff A..B` honours approvals: trailers as the local hooks do, signatures in CI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import GitRepo
from tests.hooks.conftest import MODELS, write_project
from tests.hooks.test_pre_receive import TRAILER, ssh_signing_key


def _protected_edit(
    repo: GitRepo, message: str, *, sign: bool = False, field: str = "email"
) -> tuple[str, str]:
    """(base, tip) of a range whose one commit edits the protected app/models.py."""
    base = repo.git("rev-parse", "HEAD").strip()
    repo.write("app/models.py", MODELS + f"    {field}: str\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", *(["-S"] if sign else []), "-m", message)
    return base, repo.git("rev-parse", "HEAD").strip()


def _verdict(repo: GitRepo, *args: str) -> tuple[int, dict[str, Any]]:
    result = repo.cli("diff", *args, "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_a_listed_approvers_trailer_approves_the_range(repo: GitRepo) -> None:
    write_project(repo)
    repo.commit("project")
    base, tip = _protected_edit(repo, f"Add email to User\n\n{TRAILER}\n")
    code, report = _verdict(repo, f"{base}..{tip}")
    assert code == 0, report
    [finding] = report["findings"]
    assert finding["check"] == "protected-file"
    assert finding["approved"] is True


def test_no_trailer_or_an_unlisted_one_blocks_the_range(repo: GitRepo) -> None:
    write_project(repo)
    repo.commit("project")
    base, tip = _protected_edit(repo, "Add email to User")
    assert _verdict(repo, f"{base}..{tip}")[0] == 1
    forged = "Add email\n\nEscalation-Approved-By: Mallory <mallory@example.com>\n"
    base, tip = _protected_edit(repo, forged, field="phone")
    assert _verdict(repo, f"{base}..{tip}")[0] == 1


def test_verify_signatures_refuses_an_unsigned_trailer(repo: GitRepo) -> None:
    write_project(repo)
    repo.commit("project")
    base, tip = _protected_edit(repo, f"Add email to User\n\n{TRAILER}\n")
    code, report = _verdict(repo, f"{base}..{tip}", "--verify-signatures")
    assert code == 1
    assert report["verdict"] == "blocked"


def test_verify_signatures_accepts_the_approvers_signed_commit(
    repo: GitRepo, tmp_path: Path
) -> None:
    write_project(repo)
    public = ssh_signing_key(tmp_path, repo)
    repo.write(".agent-guard/allowed_signers", f"lead@example.com {public}\n")
    repo.commit("project, with the approver's signing key")
    base, tip = _protected_edit(repo, f"Add email to User\n\n{TRAILER}\n", sign=True)
    code, report = _verdict(repo, f"{base}..{tip}", "--verify-signatures")
    assert code == 0, report


def test_signers_added_inside_the_range_are_not_trusted(repo: GitRepo, tmp_path: Path) -> None:
    write_project(repo)
    repo.commit("project")
    base = repo.git("rev-parse", "HEAD").strip()
    public = ssh_signing_key(tmp_path, repo)
    repo.write(".agent-guard/allowed_signers", f"lead@example.com {public}\n")
    repo.commit("the agent lists its own key")
    _, tip = _protected_edit(repo, f"Add email to User\n\n{TRAILER}\n", sign=True)
    assert _verdict(repo, f"{base}..{tip}", "--verify-signatures")[0] == 1
