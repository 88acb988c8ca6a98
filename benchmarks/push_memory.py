"""Peak memory of `agent-guard hook pre-receive` as a push grows: 100, 1,000, 10,000 commits.

The server hook must not hold a whole push in memory: git streams the commits (one
`git log -p` pipe parsed incrementally, one `cat-file --batch` reader), so the peak resident
set should grow far slower than the push. This benchmark builds a synthetic history with
`git fast-import` (each commit edits one of 200 Python modules and adds a few lines; every
50th adds a `print()` so the hook has findings to hold), puts it in a bare repository with
`main` at the first commit, and runs the hook with the `<old> <new> refs/heads/main` line a
push of the rest would send (the objects are present, as in git's receive quarantine).

Peak memory comes from `os.wait4` (ru_maxrss of the hook and the git processes it waited
for, KiB on Linux). The time budget is lifted: this measures memory, not speed.

Measured (2 cores, Python 3.12, git 2.39, 2026-11-27): 30.3 MiB at 100 commits, 32.6 MiB
at 1,000, 53.9 MiB at 10,000 (1.65x for ten times the commits). git's share is bounded
too: `git log --stdin -p` reads at most 1,000 commits per process, and cat-file's delta
base cache is capped (before both, the 10,000-commit peak was git's own 97.8 MiB).

    .venv/bin/python benchmarks/push_memory.py [--quick]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, render

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "data" / "seed.mdc"
CONFIG = b"checks:\n  print-call: {severity: error}\n"
MODULES = 200
# A peak that grows by more than this factor from 1,000 to 10,000 commits is not "bounded".
GROWTH_LIMIT = 3.0


def _blob(data: bytes) -> bytes:
    return b"data %d\n%s\n" % (len(data), data)


def fast_import_stream(commits: int) -> bytes:
    """A fast-import stream: the policy in the first commit, then `commits` small edits."""
    out = [b"reset refs/heads/main\n"]
    modules = [[f"def f{n}_0(x: int) -> int:\n    return x\n"] for n in range(MODULES)]
    for number in range(commits + 1):
        stamp = 1_700_000_000 + number
        out.append(b"commit refs/heads/main\nmark :%d\n" % (number + 1))
        out.append(b"committer Bench <bench@example.com> %d +0000\n" % stamp)
        out.append(_blob(b"commit %d: edit a module" % number))
        if number == 0:
            out.append(b"M 100644 inline .cursor/rules/backend.mdc\n" + _blob(SEED.read_bytes()))
            out.append(b"M 100644 inline .agent-guard.yaml\n" + _blob(CONFIG))
            for index, lines in enumerate(modules):
                out.append(b"M 100644 inline app/m%03d.py\n" % index)
                out.append(_blob("".join(lines).encode()))
            continue
        index = number % MODULES
        body = f"def f{index}_{number}(x: int) -> int:\n    return x + {number}\n"
        if number % 50 == 0:
            body += f"print('debug {number}')\n"
        modules[index].append(body)
        out.append(b"M 100644 inline app/m%03d.py\n" % index)
        out.append(_blob("".join(modules[index]).encode()))
    return b"".join(out)


def build(folder: Path, commits: int) -> tuple[Path, bytes]:
    """A bare repository holding the whole history with main at its first commit."""
    bare = folder / f"server-{commits}.git"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(bare)], check=True)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=bare,
        input=fast_import_stream(commits),
        check=True,
    )
    tip = subprocess.run(
        ["git", "rev-parse", "main"], cwd=bare, capture_output=True, check=True, text=True
    ).stdout.strip()
    first = subprocess.run(
        ["git", "rev-list", "--max-parents=0", "main"],
        cwd=bare,
        capture_output=True,
        check=True,
        text=True,
    ).stdout.strip()
    subprocess.run(["git", "update-ref", "refs/heads/main", first], cwd=bare, check=True)
    return bare, f"{first} {tip} refs/heads/main\n".encode()


def measure(bare: Path, stdin: bytes) -> tuple[float, int, int, str]:
    """(seconds, peak RSS KiB, exit code, the summary line) of one cold hook run."""
    shutil.rmtree(bare / "agent-guard", ignore_errors=True)
    argv = [sys.executable, "-P", "-m", "agent_guard", "hook", "pre-receive"]
    argv += ["--time-budget", "0"]
    with tempfile.TemporaryFile() as feed, tempfile.TemporaryFile() as output:
        feed.write(stdin)
        feed.seek(0)
        start = time.perf_counter()
        process = subprocess.Popen(
            argv,
            cwd=bare,
            stdin=feed,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        output.seek(0)
        lines = output.read().decode("utf-8", "replace").strip().splitlines()
    summary = next((line for line in reversed(lines) if line.startswith("blocked")), "")
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status), summary


def run(quick: bool = False) -> list[Row]:
    sizes = (100, 1_000) if quick else (100, 1_000, 10_000)
    rows: list[Row] = []
    peaks: dict[int, int] = {}
    with tempfile.TemporaryDirectory(prefix="agent-guard-push-memory-") as folder:
        for commits in sizes:
            bare, stdin = build(Path(folder), commits)
            elapsed, peak, code, summary = measure(bare, stdin)
            peaks[commits] = peak
            ok = code == 1 and "error" in summary  # the planted print() calls must be found
            rows.append(
                Row(
                    "push memory",
                    f"pre-receive, {commits:,} commits",
                    elapsed,
                    runs=1,
                    peak_rss_kib=peak,
                    ok=ok,
                    note=summary[:60] or f"exit {code}: no findings reported",
                )
            )
    if 1_000 in peaks and 10_000 in peaks:
        growth = peaks[10_000] / peaks[1_000]
        rows.append(
            Row(
                "push memory",
                "peak growth 1k -> 10k commits",
                None,
                ratio=growth,
                goal=f"<= {GROWTH_LIMIT:g}x (bounded, streamed)",
                ok=growth <= GROWTH_LIMIT,
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 1,000 commits only")
    args = parser.parse_args()
    print(render(run(quick=args.quick)))


if __name__ == "__main__":
    main()
