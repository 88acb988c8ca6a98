"""A push's secret scan shared with a worker process reports what one process reports.

The worker reads blobs through its own cat-file; a worker that cannot read leaves its share
to the parent, which must then find exactly the same secrets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_guard.changes.git import BatchObjectReader, Git
from agent_guard.engine import content_unit, workers
from agent_guard.pipeline import DiffRequest, diff
from tests.conftest import SEED_RULE_FILE, GitRepo

TOKEN = "ghp_" + "a1B2c3D4e5F6g7H8i9J0" * 2


def _history(repo: GitRepo, commits: int) -> tuple[str, str]:
    """`commits` commits adding a line to a text file; every tenth line is a token."""
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    base = repo.commit("policy")
    lines: list[str] = []
    for n in range(commits):
        lines.append(f'token_{n} = "{TOKEN}"' if n % 10 == 0 else f"note {n}")
        repo.write("notes.txt", "\n".join(lines) + "\n")
        repo.commit(f"note {n}")
    return base, repo.git("rev-parse", "HEAD").strip()


def _secrets(repo: GitRepo, spec: str) -> list[tuple[str | None, str, int]]:
    for folder in (repo.path / ".git" / "agent-guard").glob("*-v[0-9]*"):
        for pack in folder.glob("pack-*.pack"):
            pack.unlink()  # every run cold: the scan itself is under test
    verdict = diff(DiffRequest(target=spec), repo.path)
    return sorted((f.commit, f.path, f.line) for f in verdict.findings if f.check == "secret")


def test_a_shared_secret_scan_finds_what_one_process_finds(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    base, tip = _history(repo, 60)
    monkeypatch.setattr(workers, "PARALLEL_FROM", 10**9)
    alone = _secrets(repo, f"{base}..{tip}")
    assert len(alone) == 6 and len({commit for commit, _, _ in alone}) == 6

    monkeypatch.setattr(workers, "PARALLEL_FROM", 2)
    monkeypatch.setattr(content_unit, "CHUNK", 4)
    assert _secrets(repo, f"{base}..{tip}") == alone

    # A worker whose cat-file cannot start: the parent scans its share.
    nowhere = tmp_path / "no-such-repository"
    monkeypatch.setattr(BatchObjectReader, "fresh", lambda self: BatchObjectReader(Git(nowhere)))
    assert _secrets(repo, f"{base}..{tip}") == alone
