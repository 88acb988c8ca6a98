"""Push time: `agent-guard hook pre-receive` on real pushes into a bare repository.

Workload: the replayed stdlib history (`corpora.stdlib_history`, 10,000 commits; 1,000
with --quick) or the repository given with `--repo`; its bare server copy has `main` set
back 200, 1,000 or 10,000 commits, and the hook gets the `<old> <new> <ref>` line a push
of the rest produces (the objects are present, as in git's quarantine during a push).

Every run is cold: agent-guard's per-blob cache is emptied before it (warm.py measures the
warm re-run). Compared with `floor.py push`: `git log -p -U0` of the range plus one
`ast.parse` of every touched .py path at the tip.

Goals (issue 8): 1,000 commits <= 2x the floor; 200 commits well inside GitHub
Enterprise's 5 s pre-receive budget; peak memory reported (and bounded) at 10,000.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _measure
import corpora
from _measure import Command
from _table import Row, ratio_row, standalone, unavailable

GITHUB_BUDGET_S = 5.0
# The hook rejects a push it cannot finish within --time-budget (default 4 s). To measure
# how long a check takes, the benchmark lifts that limit; the table then says whether the
# time fits the real budget.
NO_BUDGET = ("--time-budget", "3600")


def pre_receive(push: corpora.Push) -> Command:
    return Command(
        "agent-guard hook pre-receive",
        _measure.agent_guard("hook", "pre-receive", *NO_BUDGET),
        push.bare,
        env={"GIT_DIR": ".", **_measure.agent_guard_env()},
        stdin=push.stdin,
        prepare=_measure.cache_clearer(push.bare),
    )


def floor(push: corpora.Push) -> Command:
    return Command(
        "floor (log -p -U0 + parse tips)",
        _measure.floor("push"),
        push.bare,
        env={"GIT_DIR": "."},
        stdin=push.stdin,
    )


def measure_push(history: Path, commits: int, runs: int, why: str | None) -> list[Row]:
    bench = f"push ({commits:,} commits)"
    push = corpora.push_setup(history, commits)
    commands = [floor(push)] + ([] if why else [pre_receive(push)])
    samples = _measure.interleaved(commands, runs)
    floor_row = samples[0].row(bench)
    if why:
        return [floor_row, unavailable(bench, "agent-guard hook pre-receive", why)]
    ours = samples[1].row(bench, note="cold cache")
    rows = [floor_row]
    if commits == 1000:
        rows.append(ratio_row(ours, floor_row, limit=2.0))
    elif commits <= 200 and ours.median_s is not None:
        goal = f"< {GITHUB_BUDGET_S:g} s"
        ok = ours.median_s < GITHUB_BUDGET_S
        rows.append(replace(ratio_row(ours, floor_row), goal=goal, ok=ok))
    else:
        rows.append(ratio_row(ours, floor_row))
    return rows


def run(quick: bool = False, repo: Path | None = None) -> list[Row]:
    if repo is not None:
        history = corpora.external_history(repo)
    else:
        history = corpora.stdlib_history(1000 if quick else 10_000)
    available = len(corpora.commits_of(history)) - 1
    why = _measure.probe("hook", "pre-receive")
    sizes = [(200, 3 if quick else 7), (1000, 3 if quick else 5)]
    if not quick:
        sizes.append((10_000, 1))
    rows: list[Row] = []
    for commits, runs in sizes:
        if commits > available:
            rows.append(unavailable(f"push ({commits:,} commits)", "-", "history too short"))
            continue
        rows += measure_push(history, commits, runs, why)
    return rows


if __name__ == "__main__":
    standalone(run)
