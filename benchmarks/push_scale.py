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

Per run it reports wall time and CPU time (user + sys of the whole tree, from wait4: on a
shared machine the CPU time is the steadier figure), the peak memory of the whole process
tree (the hook and every git process it runs, summed at each moment: /proc sampled every
20 ms) as PSS (`/proc/PID/smaps_rollup`: a page a forked worker shares with its parent
counts once, split between them) and as summed RSS (which counts shared pages twice), next
to ru_maxrss (the largest single process, what the other benchmarks report), and how much
the hook wrote to the pusher. Goals (#13): hook <= 1.5x the floor at both sizes; peak tree
memory (PSS) <= 150 MiB at any size; output to the pusher under 1 MiB.

`--compare DIR` also runs the hook from another copy of the package (DIR holds an
`agent_guard/` package, e.g. `git archive OLD agent_guard | tar -x -C DIR`), interleaved
with this one, to measure a change before and after on the same machine load.

Never run by the tests (CI has no network to fetch a mirror); `tests/bench` runs it once on
a tiny synthetic history.
"""

from __future__ import annotations

import argparse
import hashlib
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
    cpu_seconds: float
    tree_pss_kib: int
    code: int
    output_bytes: int
    output_lines: int
    tail: str
    digest: str  # of everything the pusher was sent: equal outputs, equal verdicts


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


def _pss_kib(pid: int) -> int:
    """The proportional set size of `pid` (shared pages split between their users), KiB."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def _tree(root: int) -> list[int]:
    kids = _children()
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += kids.get(pid, [])
    return found


def tree_rss_kib(root: int) -> int:
    """The resident memory of `root` and all its descendants now, summed (KiB)."""
    return sum(_rss_kib(pid) for pid in _tree(root))


def tree_memory_kib(root: int) -> tuple[int, int]:
    """(summed RSS, summed PSS) of `root` and all its descendants now, KiB."""
    pids = _tree(root)
    return sum(_rss_kib(pid) for pid in pids), sum(_pss_kib(pid) for pid in pids)


def run_tree(command: Command) -> Run:
    """Run once with stdout and stderr kept (as the pusher gets both), sampling tree memory."""
    env = {**os.environ, **command.env}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryFile() as stdin, tempfile.TemporaryFile() as out:
        stdin.write(command.stdin)
        stdin.seek(0)
        peak = [0, 0]
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command.argv), cwd=command.cwd, env=env, stdin=stdin, stdout=out, stderr=out
        )
        done = threading.Event()

        def sample() -> None:
            while not done.wait(SAMPLE_EVERY_S):
                rss, pss = tree_memory_kib(process.pid)
                peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)

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
        # The child's own and its reaped descendants' CPU time (git, forked workers).
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        tree_pss_kib=max(peak[1], 1),
        code=process.returncode,
        output_bytes=len(text),
        output_lines=text.count(b"\n"),
        tail=text[-400:].decode("utf-8", "replace").strip(),
        digest=hashlib.sha256(text).hexdigest()[:12],
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


def commands(
    push: corpora.Push, policy: Path, compare: Path | None = None
) -> tuple[Command, list[Command]]:
    """The floor, and the hook (this package's, then the one under `compare` if given)."""
    floor = Command(
        "floor (log -p -U0 --cc + parse tips)",
        _measure.floor("push", "--cc"),
        push.bare,
        env={"GIT_DIR": "."},
        stdin=push.stdin,
    )
    argv = _measure.agent_guard("hook", "pre-receive", "--policy", str(policy), *NO_BUDGET)
    hooks = [
        Command(
            "agent-guard hook pre-receive",
            argv,
            push.bare,
            env={"GIT_DIR": ".", **_measure.agent_guard_env()},
            stdin=push.stdin,
            prepare=_measure.cache_clearer(push.bare),
        )
    ]
    if compare is not None:
        python_path = os.pathsep.join(p for p in (str(compare), os.environ.get("PYTHONPATH")) if p)
        hooks.append(
            replace(
                hooks[0],
                name=f"agent-guard hook pre-receive ({compare.name})",
                env={**hooks[0].env, "PYTHONPATH": python_path},
            )
        )
    return floor, hooks


def measure(
    push: corpora.Push, policy: Path, runs: int, label: str, compare: Path | None = None
) -> list[Row]:
    """Each command `runs` times, interleaved (the order rotates run by run)."""
    floor, hooks = commands(push, policy, compare)
    everything = [floor, *hooks]
    samples: dict[str, list[Run]] = {command.name: [] for command in everything}
    for index in range(runs):
        shift = index % len(everything)
        for command in everything[shift:] + everything[:shift]:
            if command.prepare is not None:
                command.prepare()
            measured = run_tree(command)
            samples[command.name].append(measured)
            print(  # each run as soon as it ends: a long run's figures are not lost
                f"scale:   {command.name}: {measured.seconds:.1f} s wall, "
                f"{measured.cpu_seconds:.1f} s CPU, tree PSS {measured.tree_pss_kib / 1024:.1f} "
                f"MiB, tree RSS {measured.tree_peak_kib / 1024:.1f} MiB, largest process "
                f"{measured.maxrss_kib / 1024:.1f} MiB, {measured.output_bytes:,} bytes out "
                f"(sha256 {measured.digest}), exit {measured.code}, load "
                f"{os.getloadavg()[0]:.1f}",
                flush=True,
            )
    base = _row(label, floor.name, samples[floor.name])
    rows = [base]
    for hook in hooks:
        rows += _hook_rows(label, base, hook.name, samples[hook.name])
    return rows


def _hook_rows(label: str, floor: Row, name: str, hook_runs: Sequence[Run]) -> list[Row]:
    ours = ratio_row(_row(label, name, hook_runs), floor, limit=TIME_LIMIT)
    pss = max(r.tree_pss_kib for r in hook_runs)
    rss = max(r.tree_peak_kib for r in hook_runs)
    out = max(r.output_bytes for r in hook_runs)
    lines = max(r.output_lines for r in hook_runs)
    memory = Row(
        label,
        "  hook peak memory (process tree PSS)",
        None,
        runs=len(hook_runs),
        peak_rss_kib=pss,
        goal=f"<= {MEMORY_LIMIT_KIB // 1024} MiB",
        ok=pss <= MEMORY_LIMIT_KIB,
        note=(
            f"tree RSS summed {rss / 1024:.1f} MiB; largest single process "
            f"{max(r.maxrss_kib for r in hook_runs) / 1024:.1f} MiB"
        ),
    )
    output = Row(
        label,
        "  hook output to the pusher",
        None,
        runs=len(hook_runs),
        goal="< 1 MiB",
        ok=out < OUTPUT_LIMIT,
        note=(
            f"{out:,} bytes, {lines:,} lines; exit {hook_runs[-1].code}; sha256 "
            + ",".join(sorted({r.digest for r in hook_runs}))
        ),
    )
    return [replace(ours, peak_rss_kib=pss), memory, output]


def _row(label: str, tool: str, runs: Sequence[Run]) -> Row:
    bad = [r for r in runs if r.code not in (0, 1) or "time budget" in r.tail]
    if bad:
        return Row(label, tool, None, note=f"exit {bad[0].code}: {bad[0].tail[-120:]}")
    times = sorted(r.seconds for r in runs)
    cpu = sorted(r.cpu_seconds for r in runs)
    return Row(
        label,
        tool,
        times[len(times) // 2],
        runs=len(runs),
        peak_rss_kib=max(r.tree_pss_kib for r in runs),
        note=(
            f"CPU (user+sys, tree) {cpu[len(cpu) // 2]:.1f} s; tree PSS; largest process "
            f"{max(r.maxrss_kib for r in runs) / 1024:.1f} MiB"
        ),
    )


def run(
    mirror: Path,
    sizes: Sequence[int] = (1000, 10_000),
    runs: int = 1,
    work: Path | None = None,
    compare: Path | None = None,
) -> list[Row]:
    folder = work or corpora.CORPORA / "scale"
    bare = server(mirror, folder)
    policy = policy_dir(folder)
    total = corpora.git(bare, "rev-list", "--count", "refs/bench/tip").strip()
    rows: list[Row] = []
    try:
        for size in sizes:
            push, count, merges = push_of(bare, size)
            label = f"push {size:,} first-parent ({count:,} commits, {merges:,} merges)"
            print(f"scale: {label}: {push.old[:12]}..{push.new[:12]} of {total} commits")
            print(f"scale: load average {os.getloadavg()[0]:.2f} before", flush=True)
            measured = measure(push, policy, runs, label, compare)
            print(f"scale: load average {os.getloadavg()[0]:.2f} after", flush=True)
            print(render(measured), flush=True)  # each size as soon as it is measured
            rows += measured
    finally:
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
    parser.add_argument(
        "--compare", type=Path, help="also run the hook from this copy of the package"
    )
    args = parser.parse_args(argv)
    rows = run(args.mirror, args.sizes, args.runs, args.work, args.compare)
    sys.stdout.write(render(rows) + "\n")


if __name__ == "__main__":
    main()
