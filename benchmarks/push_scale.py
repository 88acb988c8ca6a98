"""Push scale: the pre-receive hook on a real merge-heavy history, against the floor (#13).

    nice .venv/bin/python benchmarks/push_scale.py MIRROR [--sizes 1000 10000] [--runs 1]

MIRROR is a git repository (bare or not) holding a real public history of at least 50,000
commits with many merges — measured on sympy/sympy (62,658 commits; see README.md). It is
read, never written: the benchmark makes a bare *server* repository in benchmarks/.work/
that borrows MIRROR's objects (`git clone --bare --shared`: no copy) and, for each size N,
sets the server's default branch back N first-parent commits. The hook then runs as git
runs it on the server — `agent-guard hook pre-receive --policy DIR` in the bare repository
with the `<old> <new> refs/heads/<default>` line that pushing the rest sends on stdin. The
objects are already there, as they are (in the quarantine directory) when git runs
pre-receive; a real `git push` would add only the transfer, which is not the hook's cost.
A push of N first-parent commits brings every commit they merged: for sympy's last 1,000
first-parent commits, 5,220 commits.

Compared, interleaved, one cold run each by default (caches in the server's git dir and
under benchmarks/.work/cache-home emptied before each run):

- the floor: `floor.py push --cc`: `git log -p -U0 --cc` of the range (merges as combined
  diffs) plus one `ast.parse` of every touched .py path at the tip;
- `agent-guard hook pre-receive --policy DIR --time-budget 3600`, DIR holding the seed
  rule file (`corpora.policy_files()`: the defaults a new user gets, on every .py file).

Per run it reports wall time, the peak resident memory of the whole process tree (the
hook and every git process it runs, summed at each moment: /proc sampled every 20 ms) next
to ru_maxrss (the largest single process, what the other benchmarks report), and how much
the hook wrote to the pusher. Goals (#13): hook <= 1.5x the floor at both sizes; peak tree
memory <= 150 MiB at any size; output to the pusher under 1 MiB.

Never run by the tests (CI has no network to fetch a mirror); `tests/bench` runs it once on
a tiny synthetic history.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _measure
import corpora
from _measure import Command
from _table import Row, ratio_row, render

TIME_LIMIT = 1.5  # hook / floor
MEMORY_LIMIT_KIB = 150 * 1024
OUTPUT_LIMIT = 1 << 20  # bytes the pusher may be sent
NO_BUDGET = ("--time-budget", "3600")
SAMPLE_EVERY_S = 0.02


@dataclass(frozen=True)
class Run:
    """One measured run: wall time, memory, exit code, what it wrote to stdout and stderr."""

    seconds: float
    tree_peak_kib: int
    maxrss_kib: int
    code: int
    output_bytes: int
    output_lines: int
    tail: str


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kib(root: int) -> int:
    """The resident memory of `root` and all its descendants now, summed (KiB)."""
    kids = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss_kib(pid)
        todo += kids.get(pid, [])
    return total


def run_tree(command: Command) -> Run:
    """Run once with stdout and stderr kept (as the pusher gets both), sampling tree memory."""
    env = {**os.environ, **command.env}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as out:
        stdin.write(command.stdin)
        stdin.seek(0)
        peak = [0]
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command.argv), cwd=command.cwd, env=env, stdin=stdin, stdout=out, stderr=out
        )
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_EVERY_S):
                peak[0] = max(peak[0], tree_rss_kib(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    return Run(
        seconds=elapsed,
        tree_peak_kib=max(peak[0], usage.ru_maxrss),
        maxrss_kib=usage.ru_maxrss,
        code=process.returncode,
        output_bytes=len(text),
        output_lines=text.count(b"\n"),
        tail=text[-400:].decode("utf-8", "replace").strip(),
    )


# --- the workload -------------------------------------------------------------------------


def default_branch(repo: Path) -> str:
    return corpora.git(repo, "symbolic-ref", "HEAD").strip()


def server(mirror: Path, folder: Path) -> Path:
    """A bare repository borrowing `mirror`'s objects (alternates), its refs its own; its
    default branch's tip when made is kept as `refs/bench/tip` (the tip every push brings)."""
    name = "-".join(mirror.resolve().parts[-2:]).replace("+", "-")
    bare = folder / f"{name}-server.git"
    if not (bare / "refs" / "bench" / "tip").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        corpora.git(folder, "clone", "-q", "--bare", "--shared", str(mirror), str(bare))
        corpora.git(bare, "update-ref", "refs/bench/tip", "HEAD")
    return bare


def push_of(bare: Path, first_parent: int) -> tuple[corpora.Push, int, int]:
    """The server with its default branch `first_parent` first-parent commits behind the
    tip: the Push, the number of commits the push brings, and how many are merges."""
    ref = default_branch(bare)
    tip = corpora.git(bare, "rev-parse", "refs/bench/tip").strip()
    chain = corpora.git(bare, "rev-list", "--first-parent", f"--max-count={first_parent + 1}", tip)
    old = chain.split()[-1]
    if old == tip or len(chain.split()) <= first_parent:
        raise ValueError(f"{bare} has fewer than {first_parent + 1} first-parent commits")
    corpora.git(bare, "update-ref", ref, old)
    count = int(corpora.git(bare, "rev-list", "--count", f"{old}..{tip}"))
    merges = int(corpora.git(bare, "rev-list", "--count", "--merges", f"{old}..{tip}"))
    return corpora.Push(bare, old, tip, ref, first_parent), count, merges


def policy_dir(folder: Path) -> Path:
    """The `--policy DIR` of the server: the seed rule file (the defaults a new user gets)."""
    target = folder / "policy"
    for name, data in corpora.policy_files().items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


def commands(push: corpora.Push, policy: Path) -> tuple[Command, Command]:
    floor = Command(
        "floor (log -p -U0 --cc + parse tips)",
        _measure.floor("push", "--cc"),
        push.bare,
        env={"GIT_DIR": "."},
        stdin=push.stdin,
    )
    hook = Command(
        "agent-guard hook pre-receive",
        _measure.agent_guard("hook", "pre-receive", "--policy", str(policy), *NO_BUDGET),
        push.bare,
        env={"GIT_DIR": ".", **_measure.agent_guard_env()},
        stdin=push.stdin,
        prepare=_measure.cache_clearer(push.bare),
    )
    return floor, hook


def measure(push: corpora.Push, policy: Path, runs: int, label: str) -> list[Row]:
    floor, hook = commands(push, policy)
    samples: dict[str, list[Run]] = {floor.name: [], hook.name: []}
    for index in range(runs):
        order = (floor, hook) if index % 2 == 0 else (hook, floor)
        for command in order:
            if command.prepare is not None:
                command.prepare()
            samples[command.name].append(run_tree(command))
    rows = [_row(label, floor.name, samples[floor.name])]
    ours = _row(label, hook.name, samples[hook.name])
    ours = ratio_row(ours, rows[0], limit=TIME_LIMIT)
    hook_runs = samples[hook.name]
    peak = max(r.tree_peak_kib for r in hook_runs)
    out = max(r.output_bytes for r in hook_runs)
    rows.append(replace(ours, peak_rss_kib=peak))
    rows.append(
        Row(
            label,
            "  hook peak memory (process tree)",
            None,
            runs=len(hook_runs),
            peak_rss_kib=peak,
            goal=f"<= {MEMORY_LIMIT_KIB // 1024} MiB",
            ok=peak <= MEMORY_LIMIT_KIB,
            note=f"largest single process {max(r.maxrss_kib for r in hook_runs) / 1024:.1f} MiB",
        )
    )
    lines = max(r.output_lines for r in hook_runs)
    rows.append(
        Row(
            label,
            "  hook output to the pusher",
            None,
            runs=len(hook_runs),
            goal="< 1 MiB",
            ok=out < OUTPUT_LIMIT,
            note=f"{out:,} bytes, {lines:,} lines; exit {hook_runs[-1].code}",
        )
    )
    return rows


def _row(label: str, tool: str, runs: Sequence[Run]) -> Row:
    bad = [r for r in runs if r.code not in (0, 1) or "time budget" in r.tail]
    if bad:
        return Row(label, tool, None, note=f"exit {bad[0].code}: {bad[0].tail[-120:]}")
    times = sorted(r.seconds for r in runs)
    return Row(
        label,
        tool,
        times[len(times) // 2],
        runs=len(runs),
        peak_rss_kib=max(r.tree_peak_kib for r in runs),
        note=f"tree peak; largest process {max(r.maxrss_kib for r in runs) / 1024:.1f} MiB",
    )


def run(
    mirror: Path, sizes: Sequence[int] = (1000, 10_000), runs: int = 1, work: Path | None = None
) -> list[Row]:
    folder = work or corpora.CORPORA / "scale"
    bare = server(mirror, folder)
    policy = policy_dir(folder)
    total = corpora.git(bare, "rev-list", "--count", "refs/bench/tip").strip()
    rows: list[Row] = []
    for size in sizes:
        push, count, merges = push_of(bare, size)
        label = f"push {size:,} first-parent ({count:,} commits, {merges:,} merges)"
        print(f"scale: {label}: {push.old[:12]}..{push.new[:12]} of {total} commits", flush=True)
        measured = measure(push, policy, runs, label)
        print(render(measured), flush=True)  # each size as soon as it is measured
        rows += measured
    corpora.git(bare, "update-ref", default_branch(bare), "refs/bench/tip")
    return rows


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mirror", type=Path, help="a git repository with the real history")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--runs", type=int, default=1, help="cold runs of each (default 1)")
    parser.add_argument(
        "--work", type=Path, help="where the server copy lives (default benchmarks/.work/...)"
    )
    args = parser.parse_args(argv)
    sys.stdout.write(render(run(args.mirror, args.sizes, args.runs, args.work)) + "\n")


if __name__ == "__main__":
    main()
