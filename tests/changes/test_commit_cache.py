"""Per-commit changes are kept across runs, read from git in chunks, and never trusted blindly."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from agent_guard.changes import sources
from agent_guard.changes.model import CommitChange
from agent_guard.changes.sources import parse_pre_receive, push_changes, range_changes
from agent_guard.engine.results import CHANGES_FOLDER, verify_pack
from agent_guard.errors import GitError
from tests.changes.helpers import opened
from tests.changes.test_scale import fast_import_commits
from tests.conftest import GitRepo
from tests.damage import DAMAGES, damage_store


def _history(repo: GitRepo) -> tuple[str, str]:
    """A base commit, then a merge and a few commits with added, edited and removed lines."""
    repo.write("app.py", "a = 1\n")
    base = repo.commit("base")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("side.py", "s = 1\ns2 = 2\n")
    repo.commit("side")
    repo.git("checkout", "-q", "-")
    repo.write("app.py", "a = 1\nb = 2\n")
    repo.commit("main edit")
    repo.git("merge", "-q", "--no-ff", "-m", "merge side", "side")
    repo.write("app.py", "b = 2\nc = 3\n")
    repo.write("new.py", "x = 1\n")
    repo.git("rm", "-q", "side.py")
    tip = repo.commit("more")
    return base, tip


def _push(repo: GitRepo, base: str, tip: str) -> list[CommitChange]:
    stdin = f"{base} {tip} refs/heads/pushed\n"
    with opened(repo) as (repository, objects):
        [changes] = push_changes(repository, objects, parse_pre_receive(stdin), exclude=(base,))
    assert len(changes.commits) == 4  # side, main edit, the merge, more
    return list(changes.commits)


def _folder(repo: GitRepo) -> Path:
    return repo.path / ".git" / "agent-guard" / CHANGES_FOLDER


def _git_calls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git-calls.log"
    (bin_dir / "git").write_text(f'#!/bin/sh\necho "$@" >> "{log}"\nexec "{real}" "$@"\n')
    (bin_dir / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(real).parent}")
    return log


def _ran_log(log: Path) -> bool:
    return any(" log " in f" {line} " for line in log.read_text().splitlines())


def test_a_re_push_reads_the_commits_without_git_log(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base, tip = _history(repo)
    log = _git_calls(tmp_path, monkeypatch)
    cold = _push(repo, base, tip)
    assert _ran_log(log)
    [pack] = _folder(repo).glob("pack-*.pack")
    assert verify_pack(pack)
    log.write_text("")
    warm = _push(repo, base, tip)
    assert warm == cold
    assert not _ran_log(log)
    assert len(list(_folder(repo).glob("pack-*.pack"))) == 1  # all hits: nothing written


def test_a_ci_range_reuses_what_the_push_read(repo: GitRepo) -> None:
    base, tip = _history(repo)
    pushed = _push(repo, base, tip)
    with opened(repo) as (repository, objects):
        ranged = range_changes(repository, objects, f"{base}..{tip}")
    assert list(ranged.commits) == pushed
    assert len(list(_folder(repo).glob("pack-*.pack"))) == 1


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_commit_store_only_makes_the_read_cold(repo: GitRepo, damage: str) -> None:
    base, tip = _history(repo)
    cold = _push(repo, base, tip)
    damage_store(_folder(repo), damage)
    assert _push(repo, base, tip) == cold


def test_git_log_in_chunks_reads_what_one_process_reads(
    make_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo("chunks")
    tip = fast_import_commits(repo, 25)
    stdin = f"{'0' * 40} {tip} refs/heads/pushed\n"
    repo.git("update-ref", "-d", "refs/heads/main")
    with opened(repo) as (repository, objects):
        [whole] = push_changes(repository, objects, parse_pre_receive(stdin))
    shutil.rmtree(_folder(repo))
    monkeypatch.setattr(sources, "LOG_CHUNK", 4)
    with opened(repo) as (repository, objects):
        [chunked] = push_changes(repository, objects, parse_pre_receive(stdin))
    assert len(whole.commits) == 25
    assert chunked.commits == whole.commits
    assert [c.files[0].added_lines for c in chunked.commits][-1] == frozenset({5})


def _git_children() -> list[str]:
    """The command lines of this process's git children (Linux /proc)."""
    found = []
    for task in Path("/proc/self/task").iterdir():
        for pid in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"git" in cmdline:
                found.append(cmdline.decode(errors="replace"))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_chunks_read_ahead_stop_when_the_reader_stops(
    make_repo: Callable[..., GitRepo],
) -> None:
    """The `git log` of the chunks ahead are stopped and waited for when the reader gives
    up (a failed parse, a budget), and a chunk git cannot read fails the read."""
    repo = make_repo("ahead")
    fast_import_commits(repo, 12)
    oids = repo.git("rev-list", "--reverse", "HEAD").split()
    chunks = [oids[start : start + 3] for start in range(0, 12, 3)]
    with opened(repo) as (repository, _objects):
        before = _git_children()
        read = sources._log_chunks(repository, chunks)
        assert next(read)[0] == oids[0]
        read.close()
        assert _git_children() == before
        missing = [*chunks[:2], ["0123456789abcdef0123456789abcdef01234567"], chunks[3]]
        with pytest.raises(GitError):
            list(sources._log_chunks(repository, missing))
        assert _git_children() == before
        assert [oid for oid, _ in sources._log_chunks(repository, chunks)] == oids


def test_a_spooled_git_gives_its_whole_output_or_its_error(repo: GitRepo) -> None:
    repo.write("a.py", "x = 1\n")
    tip = repo.commit("one")
    with opened(repo) as (repository, _objects):
        with repository.git.spool("cat-file", "-t", tip).output() as out:
            assert out.read() == b"commit\n"
        failing = repository.git.spool("cat-file", "-t", "0" * 40)
        with pytest.raises(GitError, match="fatal"), failing.output():
            pass


def test_chunks_are_streamed_when_no_temporary_file_can_be_made(
    make_repo: Callable[..., GitRepo], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A hook run with an unwritable TMPDIR still reads every chunk, one after the other."""
    import tempfile

    repo = make_repo("no-tmp")
    fast_import_commits(repo, 7)
    oids = repo.git("rev-list", "--reverse", "HEAD").split()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    with opened(repo) as (repository, _objects):
        read = sources._log_chunks(repository, [oids[:3], oids[3:6], oids[6:]])
        assert [oid for oid, _ in read] == oids
