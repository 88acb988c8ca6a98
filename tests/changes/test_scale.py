"""A 1,000-commit push is read with a constant number of git processes."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_guard.changes.sources import parse_pre_receive, push_changes
from tests.changes.helpers import opened
from tests.conftest import GitRepo


def fast_import_commits(repo: GitRepo, count: int, files: int = 5) -> str:
    """`count` commits on refs/heads/main, each adding a line to one of `files` files."""
    lines: list[str] = []
    contents = dict.fromkeys(range(files), "")
    for number in range(1, count + 1):
        which = number % files
        contents[which] += f"value_{number} = {number}\n"
        data = f"pkg/module_{which}.py"
        body = contents[which].encode()
        message = f"commit {number}\n"
        lines.append("commit refs/heads/main")
        lines.append(f"committer Agent <agent@example.com> {1_700_000_000 + number} +0000")
        lines.append(f"data {len(message.encode())}\n{message}")
        lines.append(f"M 100644 inline {data}")
        lines.append(f"data {len(body)}\n{body.decode()}")
    repo.git("fast-import", "--quiet", input=("\n".join(lines) + "\n").encode())
    return repo.git("rev-parse", "refs/heads/main").strip()


def _count_git_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a `git` on PATH that logs each invocation, then runs the real git."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git-calls.log"
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\necho "$1 $2 $3 $4 $5" >> "{log}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(real).parent}")
    return log


def _push_all(repo: GitRepo, tip: str) -> tuple[int, int]:
    stdin = f"{'0' * 40} {tip} refs/heads/pushed\n"
    with opened(repo) as (repository, objects):
        repo.git("update-ref", "-d", "refs/heads/main")  # make every commit "new"
        [changes] = push_changes(repository, objects, parse_pre_receive(stdin))
        repo.git("update-ref", "refs/heads/main", tip)
    return len(changes.commits), sum(len(c.files) for c in changes.commits)


def test_process_count_does_not_grow_with_commits(
    make_repo: Callable[..., GitRepo], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = make_repo("small")
    large = make_repo("large")
    small_tip = fast_import_commits(small, 10)
    large_tip = fast_import_commits(large, 1000)
    log = _count_git_calls(tmp_path, monkeypatch)

    assert _push_all(small, small_tip) == (10, 10)
    small_calls = log.read_text().splitlines()
    log.write_text("")
    started = time.perf_counter()
    assert _push_all(large, large_tip) == (1000, 1000)
    elapsed = time.perf_counter() - started
    large_calls = log.read_text().splitlines()

    ours = [call for call in large_calls if "update-ref" not in call]
    assert len(ours) == len([c for c in small_calls if "update-ref" not in c])
    assert len(ours) <= 6, ours  # rev-parse, rev-list, log, diff-tree, cat-file, hash-object
    assert elapsed < 30
