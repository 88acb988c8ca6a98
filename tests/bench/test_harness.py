"""The benchmark harness measures what it claims: real corpora, a correct floor, fair rows.

Small and fast: a 30-commit replayed history of one stdlib package in a temp directory.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import _table, corpora, floor

FLOOR = Path(floor.__file__)


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(corpora, "CORPORA", tmp_path / "corpora")
    (tmp_path / "corpora").mkdir()
    return corpora.stdlib_history(30, packages=("json",))


def test_replayed_history_is_real_parseable_code(history: Path) -> None:
    commits = corpora.commits_of(history)
    assert len(commits) == 31
    changed = corpora.git(history, "diff", "--name-only", f"{commits[1]}..{commits[-1]}")
    assert changed.split(), "the replayed commits change files"
    for commit in commits[1::7]:
        for path in corpora.git(history, "ls-tree", "-r", "--name-only", commit).split():
            if path.endswith(".py"):
                ast.parse(corpora.git_bytes(history, "cat-file", "blob", f"{commit}:{path}"))
    tree = corpora.git(history, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert ".cursor/rules/backend.mdc" in tree
    assert "lib/json/decoder.py" in tree


def test_history_is_cached_by_its_parameters(history: Path) -> None:
    head = corpora.git(history, "rev-parse", "HEAD")
    assert corpora.stdlib_history(30, packages=("json",)) == history
    assert corpora.git(history, "rev-parse", "HEAD") == head


def test_staged_change_stages_real_added_lines(history: Path) -> None:
    staged = corpora.staged_change(history, files=2)
    status = corpora.git(staged, "diff", "--cached", "--name-status").splitlines()
    assert len(status) == 2
    assert all(line.startswith("M\t") for line in status)
    numstat = corpora.git(staged, "diff", "--cached", "--numstat").splitlines()
    assert all(int(line.split()[0]) > 0 for line in numstat)
    assert corpora.git(staged, "diff", "--name-only") == "", "work tree equals the index"


def test_floor_reads_the_staged_change(history: Path) -> None:
    staged = corpora.staged_change(history, files=2)
    done = subprocess.run(
        [sys.executable, str(FLOOR), "staged"],
        cwd=staged,
        capture_output=True,
        text=True,
        check=True,
    )
    nodes, added = (int(word) for word in done.stdout.split() if word.isdigit())
    expected = sum(
        int(line.split()[0])
        for line in corpora.git(staged, "diff", "--cached", "--numstat").splitlines()
    )
    assert added == expected
    assert nodes > 100


def test_floor_reads_a_push(history: Path) -> None:
    push = corpora.push_setup(history, 10)
    assert corpora.git(push.bare, "rev-parse", "refs/heads/main").strip() == push.old
    done = subprocess.run(
        [sys.executable, str(FLOOR), "push"],
        cwd=push.bare,
        input=push.stdin,
        capture_output=True,
        check=True,
    )
    files, added = (int(word) for word in done.stdout.split() if word.isdigit())
    numstat = corpora.git(push.bare, "diff", "--numstat", f"{push.old}..{push.new}")
    assert files == len([line for line in numstat.splitlines() if line.endswith(".py")])
    assert added > 0


def test_added_lines_from_a_zero_context_patch() -> None:
    patch = (
        b"diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n"
        b"@@ -1,0 +2,3 @@\n+a\n+b\n+c\n@@ -9 +12 @@\n-old\n+new\n"
        b"diff --git a/gone.py b/gone.py\n--- a/gone.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n"
    )
    assert floor.added_lines(patch) == {b"x.py": {2, 3, 4, 12}, b"/dev/null": set()}


def test_the_streamed_floor_reads_what_the_whole_patch_gives(
    history: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read in chunks far smaller than a commit (headers cut in two), the same sets."""
    monkeypatch.chdir(history)
    monkeypatch.setattr(floor, "CHUNK", 97)
    args = ("log", "-p", "-U0", "--cc", "--format=%H", "HEAD")
    whole = floor.added_lines(corpora.git_bytes(history, *args))
    assert sum(map(len, whole.values())) > 0
    assert floor.streamed_added_lines(*args) == whole


def test_a_wrapped_hunk_count_means_no_line() -> None:
    """git 2.39 prints an empty combined result side as 2**64-1 lines: not a range()."""
    patch = b"diff --cc t.py\n+++ b/t.py\n@@@ -730,6 -529,6 +705,18446744073709551615 @@@\n"
    assert floor.added_lines(patch) == {b"t.py": set()}


def test_ratio_row_and_render() -> None:
    base = _table.Row("commit", "floor", 0.100, runs=5)
    ours = _table.ratio_row(_table.Row("commit", "agent-guard", 0.120, runs=5), base, limit=1.5)
    assert ours.ratio == pytest.approx(1.2)
    assert ours.ok is True
    assert ours.goal == "<= 1.5x floor"
    slow = _table.ratio_row(_table.Row("commit", "slow", 0.200), base, limit=1.5)
    assert slow.ok is False
    missing = _table.ratio_row(_table.unavailable("commit", "hook", "not available yet"), base)
    assert missing.ratio is None
    text = _table.render([base, ours, slow, missing])
    assert "1.20x" in text
    assert "NO" in text
    assert "not available yet" in text


def test_push_scale_measures_floor_hook_memory_and_output(history: Path, tmp_path: Path) -> None:
    from benchmarks import push_scale

    rows = push_scale.run(history, sizes=[5], work=tmp_path / "scale")
    by_tool = {row.tool.strip(): row for row in rows}
    assert by_tool["floor (log -p -U0 --cc + parse tips)"].median_s is not None
    hook = by_tool["agent-guard hook pre-receive"]
    assert hook.median_s is not None, hook.note
    assert hook.ratio is not None and hook.peak_rss_kib
    assert by_tool["hook output to the pusher"].ok, by_tool["hook output to the pusher"].note
    assert "5 first-parent (5 commits, 0 merges)" in rows[0].benchmark
    bare = next((tmp_path / "scale").glob("*-server.git"))
    assert corpora.git(bare, "rev-parse", "HEAD") == corpora.git(history, "rev-parse", "HEAD")
