"""Faults: git dying mid-run, missing objects, a broken cache, concurrent runs, a slow git.

Each is reported as one line and exit 2 (or, in pre-receive, a rejection with the reason),
never a traceback, never a hang, never a half-checked change reported as clean.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RELAXED_BUDGET, GitRepo
from tests.hardening.support import (
    REAL_GIT,
    fake_git_dir,
    path_with,
    run_cli,
    snapshot,
    with_policy,
)

PRINTS = "def ok() -> int:\n    print('debug')\n    return 2\n"


def _stage_python(repo: GitRepo, count: int = 3) -> None:
    for index in range(count):
        repo.write(f"app/mod{index}.py", PRINTS + "# " + "x" * 2000 * index + "\n")
    repo.add()


def _pending_push(repo: GitRepo, make_repo: Callable[..., GitRepo]) -> tuple[GitRepo, bytes]:
    """A bare server holding a pushed commit's objects but not the ref, and the hook's stdin."""
    with_policy(repo)
    server = make_repo("server.git", bare=True)
    repo.git("push", "-q", str(server.path), "main")
    old = repo.git("rev-parse", "HEAD").strip()
    _stage_python(repo)
    new = repo.commit("add modules")
    repo.git("push", "-q", str(server.path), f"{new}:refs/pending/x")
    server.git("update-ref", "-d", "refs/pending/x")
    return server, f"{old} {new} refs/heads/main\n".encode()


def _assert_exit_2(result: subprocess.CompletedProcess[bytes], message: str) -> None:
    stderr = result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr + result.stdout, stderr
    assert result.returncode == 2, (result.returncode, stderr, result.stdout)
    assert stderr.splitlines() == [message], stderr


def _assert_rejected(result: subprocess.CompletedProcess[bytes], reason: str) -> str:
    out = result.stdout.decode("utf-8", "replace") + result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out, out
    assert result.returncode == 1, out
    assert reason in out, out
    return out


# -- git dying ---------------------------------------------------------------------------

# The wrapper relays `cat-file --batch` and dies once it has passed on `limit` bytes of
# output (or after `requests` requests), the way a git killed by the OOM killer would.
KILL_CAT_FILE = """
if argv[-2:] == ["cat-file", "--batch"] or "--batch" in argv:
    limit = int(os.environ.get("KILL_AFTER_BYTES", "0")) or None
    requests = int(os.environ.get("KILL_AFTER_REQUESTS", "0")) or None
    child = subprocess.Popen([REAL_GIT, *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    sent = 0
    for count, line in enumerate(sys.stdin.buffer):
        if requests is not None and count >= requests:
            child.kill(); os._exit(137)
        child.stdin.write(line); child.stdin.flush()
        header = child.stdout.readline()
        parts = header.split()
        body = child.stdout.read(int(parts[2]) + 1) if len(parts) == 3 else b""
        out = header + body
        if limit is not None and sent + len(out) > limit:
            sys.stdout.buffer.write(out[: limit - sent]); sys.stdout.buffer.flush()
            child.kill(); os._exit(137)
        sent += len(out)
        sys.stdout.buffer.write(out); sys.stdout.buffer.flush()
    child.stdin.close(); os._exit(child.wait())
"""


@pytest.mark.parametrize(
    "env",
    [{"KILL_AFTER_REQUESTS": "2"}, {"KILL_AFTER_BYTES": "3000"}],
    ids=["between objects", "in the middle of an object"],
)
def test_diff_survives_cat_file_dying(repo: GitRepo, tmp_path: Path, env: dict[str, str]) -> None:
    with_policy(repo)
    _stage_python(repo)
    fake = fake_git_dir(tmp_path, KILL_CAT_FILE)
    result = run_cli(["diff", "--staged"], repo.path, env={**path_with(fake), **env}, timeout=30)
    _assert_exit_2(result, "agent-guard: git cat-file exited unexpectedly")


def test_pre_receive_rejects_when_cat_file_dies(
    repo: GitRepo, make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    server, stdin = _pending_push(repo, make_repo)
    fake = fake_git_dir(tmp_path, KILL_CAT_FILE)
    env = {**path_with(fake), "KILL_AFTER_BYTES": "3000"}
    result = run_cli(
        ["hook", "pre-receive", *RELAXED_BUDGET], server.path, input=stdin, env=env, timeout=30
    )
    _assert_rejected(
        result,
        "agent-guard: cannot check this push: git cat-file exited unexpectedly; "
        "push rejected (fail closed)",
    )


def test_diff_reports_a_git_that_cannot_be_run(repo: GitRepo, tmp_path: Path) -> None:
    with_policy(repo)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = run_cli(["diff"], repo.path, env={"PATH": str(empty)})
    _assert_exit_2(result, "agent-guard: cannot run git: No such file or directory")


# -- missing objects ---------------------------------------------------------------------


def _delete_loose_object(repo: GitRepo, oid: str) -> None:
    git_dir = Path(repo.git("rev-parse", "--absolute-git-dir").strip())
    (git_dir / "objects" / oid[:2] / oid[2:]).unlink()


def test_diff_reports_a_missing_blob(repo: GitRepo) -> None:
    with_policy(repo)
    repo.write("app/lost.py", "print('gone')\n")
    repo.add()
    oid = repo.git("rev-parse", ":app/lost.py").strip()
    _delete_loose_object(repo, oid)
    result = run_cli(["diff", "--staged"], repo.path)
    _assert_exit_2(result, f"agent-guard: object {oid} is missing")


def test_pre_receive_rejects_a_push_with_a_missing_object(
    repo: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    server, stdin = _pending_push(repo, make_repo)
    oid = repo.git("rev-parse", "HEAD:app/mod1.py").strip()
    _delete_loose_object(server, oid)
    result = run_cli(["hook", "pre-receive", *RELAXED_BUDGET], server.path, input=stdin)
    _assert_rejected(result, f"cannot check this push: fatal: unable to read {oid}")


def test_partial_clone_whose_promisor_is_gone(
    repo: GitRepo, make_repo: Callable[..., GitRepo], tmp_path: Path
) -> None:
    """A blobless clone cannot fetch a missing blob once its remote is gone: one line, exit 2."""
    with_policy(repo)
    repo.write("app/extra.py", "print('lazy')\n")
    repo.commit("extra")
    repo.git("config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    repo.git(
        "clone", "-q", "--no-checkout", "--filter=blob:none", f"file://{repo.path}", str(clone)
    )
    moved = tmp_path / "moved-away"
    repo.path.rename(moved)
    result = run_cli(["diff", "HEAD"], clone)
    stderr = result.stderr.decode("utf-8", "replace")
    assert b"Traceback" not in result.stderr, stderr
    assert result.returncode == 2, (result.returncode, stderr)
    assert len(stderr.splitlines()) == 1 and stderr.startswith("agent-guard: "), stderr


# -- the cache ---------------------------------------------------------------------------


def _findings(result: subprocess.CompletedProcess[bytes]) -> list[tuple[str, int, str]]:
    report = json.loads(result.stdout)
    return sorted((f["path"], f["line"], f["check"]) for f in report["findings"])


def _cache_dir(repo: GitRepo) -> Path:
    return Path(repo.git("rev-parse", "--absolute-git-dir").strip()) / "agent-guard"


def test_a_cache_dir_that_is_a_file_is_ignored(repo: GitRepo) -> None:
    with_policy(repo)
    _stage_python(repo)
    expected = _findings(run_cli(["diff", "--format", "json"], repo.path))
    cache = _cache_dir(repo)
    subprocess.run(["rm", "-rf", str(cache)], check=True)
    cache.write_text("not a directory\n")
    result = run_cli(["diff", "--format", "json"], repo.path)
    assert b"Traceback" not in result.stderr, result.stderr
    assert result.returncode == 1
    assert _findings(result) == expected
    assert cache.read_text() == "not a directory\n"


def _unmeasured() -> dict[str, str]:
    """The environment without coverage.py's: it cannot save its own data on a full disk."""
    return {name: value for name, value in os.environ.items() if not name.startswith("COVERAGE_")}


def _disk_full() -> None:
    """Every write of a byte fails with EFBIG, as on a full disk (Python ignores SIGXFSZ)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


@pytest.mark.parametrize("warm", [False, True], ids=["cold", "warm"])
def test_a_full_disk_does_not_change_the_verdict(repo: GitRepo, warm: bool) -> None:
    with_policy(repo)
    _stage_python(repo)
    if not warm:
        subprocess.run(["rm", "-rf", str(_cache_dir(repo))], check=True)
    expected = _findings(run_cli(["diff", "--format", "json"], repo.path)) if warm else None
    if not warm:
        subprocess.run(["rm", "-rf", str(_cache_dir(repo))], check=True)
    result = subprocess.run(
        [sys.executable, "-m", "agent_guard", "diff", "--format", "json"],
        cwd=repo.path,
        capture_output=True,
        preexec_fn=_disk_full,
        env=_unmeasured(),
        check=False,
        timeout=60,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode()
    assert result.returncode == 1, result.stderr.decode()
    found = _findings(result)
    assert [check for _, _, check in found].count("print-call") == 3
    if expected is not None:
        assert found == expected
    temporary = [p for p in _cache_dir(repo).rglob("*") if p.name.startswith((".tmp-", ".policy-"))]
    assert temporary == []  # a failed write leaves no half-written file behind


def test_pre_receive_on_a_full_disk_still_judges_the_push(
    repo: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    server, stdin = _pending_push(repo, make_repo)
    result = subprocess.run(
        [sys.executable, "-m", "agent_guard", "hook", "pre-receive", *RELAXED_BUDGET],
        cwd=server.path,
        input=stdin,
        capture_output=True,
        preexec_fn=_disk_full,
        env=_unmeasured(),
        check=False,
        timeout=60,
    )
    out = result.stdout.decode("utf-8", "replace")
    assert "Traceback" not in out + result.stderr.decode("utf-8", "replace")
    assert result.returncode == 1
    assert "print-call" in out and "internal error" not in out, out


def test_concurrent_runs_share_a_cache_without_corruption(repo: GitRepo) -> None:
    with_policy(repo)
    _stage_python(repo, count=6)
    subprocess.run(["rm", "-rf", str(_cache_dir(repo))], check=True)
    argv = [sys.executable, "-m", "agent_guard", "diff", "--format", "json"]
    for _round in range(2):  # a cold cache, then a warm one written concurrently
        processes = [
            subprocess.Popen(argv, cwd=repo.path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(6)
        ]
        outputs = [process.communicate(timeout=120) for process in processes]
        codes = {process.returncode for process in processes}
        assert codes == {1}, [err.decode() for _, err in outputs]
        reports = {json.dumps(_findings_from(out)) for out, _ in outputs}
        assert len(reports) == 1, reports
    temporary = [p for p in _cache_dir(repo).rglob("*") if p.name.startswith((".tmp-", ".policy-"))]
    assert temporary == []
    from agent_guard.engine.results import verify_pack

    # Besides the compiled policy, every cache file is a pack whose every entry checks out.
    packs = [p for p in _cache_dir(repo).rglob("*") if p.is_file() and p.suffix != ".pickle"]
    assert packs
    for pack in packs:
        assert pack.suffix == ".pack" and verify_pack(pack), pack


def _findings_from(stdout: bytes) -> list[tuple[str, int, str]]:
    return sorted((f["path"], f["line"], f["check"]) for f in json.loads(stdout)["findings"])


# -- a slow git and the time budget ------------------------------------------------------

SLOW_GIT = """
if any(word in argv for word in os.environ.get("SLOW_COMMANDS", "").split(",")):
    time.sleep(float(os.environ.get("SLOW_SECONDS", "30")))
"""


@pytest.mark.parametrize(
    "slow", ["rev-list", "log", "cat-file"], ids=["rev-list", "log", "cat-file --batch"]
)
def test_pre_receive_honours_the_time_budget_under_a_slow_git(
    repo: GitRepo, make_repo: Callable[..., GitRepo], tmp_path: Path, slow: str
) -> None:
    server, stdin = _pending_push(repo, make_repo)
    fake = fake_git_dir(tmp_path, SLOW_GIT)
    env = {**path_with(fake), "SLOW_COMMANDS": slow, "SLOW_SECONDS": "30"}
    before = snapshot(server)
    start = time.monotonic()
    result = run_cli(
        ["hook", "pre-receive", "--time-budget", "1.5"], server.path, input=stdin, env=env
    )
    elapsed = time.monotonic() - start
    out = _assert_rejected(result, "agent-guard: time budget of 1.5 s exhausted while ")
    assert "push rejected rather than half-checked" in out
    assert elapsed < 10, f"took {elapsed:.1f} s: the hook waited for the slow git ({out})"
    assert snapshot(server) == before


def test_time_budget_does_not_fire_on_a_normal_push(
    repo: GitRepo, make_repo: Callable[..., GitRepo]
) -> None:
    server, stdin = _pending_push(repo, make_repo)
    result = run_cli(["hook", "pre-receive", "--time-budget", "30"], server.path, input=stdin)
    out = _assert_rejected(result, "print-call")
    assert "time budget" not in out


def test_real_git_is_used_by_default() -> None:
    assert Path(REAL_GIT).name == "git"
