"""Warm re-runs: the same blobs checked a second time must cost at most half the first.

A re-push after a rejected one, a CI re-run, a second `agent-guard diff` of the same range:
the blobs are the same, so agent-guard's per-blob cache (keyed by blob id and the checks'
version) should answer instead of parsing again. Each workload runs as a pair, interleaved:

- cold: the cache is emptied before the run (`_measure.cache_clearer`);
- warm: the same command right after a run that filled the cache.

Workloads: `agent-guard hook pre-receive` of a 1,000-commit push into the bare server
repository, and `agent-guard diff OLD..NEW` of the same range in a work tree (a CI job).

Goal (issue 8): warm <= 0.5x cold.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _measure
import corpora
from _measure import Command
from _table import Row, ratio_row, standalone, unavailable


def pair(
    name: str,
    argv: list[str],
    cwd: Path,
    git_dir: Path,
    env: dict[str, str] | None = None,
    stdin: bytes = b"",
) -> list[Command]:
    """The cold and the warm run of one command."""
    env = {**_measure.agent_guard_env(), **(env or {})}
    clear = _measure.cache_clearer(git_dir)
    return [
        Command(f"{name} (cold)", argv, cwd, env=env, stdin=stdin, prepare=clear),
        Command(f"{name} (warm)", argv, cwd, env=env, stdin=stdin),
    ]


def measure(bench: str, commands: list[Command], runs: int) -> list[Row]:
    cold, warm = (s.row(bench) for s in _measure.interleaved(commands, runs))
    return [cold, ratio_row(warm, cold, limit=0.5)]


def run(quick: bool = False, repo: Path | None = None) -> list[Row]:
    history = corpora.external_history(repo) if repo else corpora.stdlib_history(1000)
    commits = min(1000, len(corpora.commits_of(history)) - 1)
    runs = 3 if quick else 5
    rows: list[Row] = []

    bench = f"warm re-push ({commits:,} commits)"
    why = _measure.probe("hook", "pre-receive")
    if why:
        rows.append(unavailable(bench, "agent-guard hook pre-receive", why))
    else:
        push = corpora.push_setup(history, commits)
        argv = _measure.agent_guard("hook", "pre-receive", "--time-budget", "3600")
        git_env = {"GIT_DIR": "."}
        commands = pair("pre-receive", argv, push.bare, push.bare, env=git_env, stdin=push.stdin)
        rows += measure(bench, commands, runs)

    bench = f"warm CI re-run ({commits:,} commits)"
    why = _measure.probe("diff")
    if why:
        rows.append(unavailable(bench, "agent-guard diff RANGE", why))
    else:
        chain = corpora.commits_of(history)
        span = f"{chain[-commits - 1]}..{chain[-1]}"
        git_dir = Path(corpora.git(history, "rev-parse", "--absolute-git-dir").strip())
        argv = _measure.agent_guard("diff", span)
        rows += measure(bench, pair("diff RANGE", argv, history, git_dir), runs)
    return rows


if __name__ == "__main__":
    standalone(run)
