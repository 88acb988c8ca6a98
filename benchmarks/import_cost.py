"""Where the hot path's start-up goes: `python -X importtime` of agent-guard's commit check.

Runs `agent-guard diff --staged` and `agent-guard hook pre-commit` on the 20-file staged
change (policy cache warm), N times each, and reports the median import time in total
and of the heaviest top-level imports (third-party packages, agent_guard modules and
the stdlib modules they pull in first). The structural guarantee — no yaml, lxml, git or
pathspec on this path — is tests/bench/test_import_hygiene.py; this shows the rest.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _measure
import corpora
from _table import Row, standalone, unavailable

TOP = 8


def importtimes(argv: list[str], cwd: Path) -> dict[str, int]:
    """Module -> cumulative import time (µs) of the modules imported at the top level."""
    env = {**os.environ}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as _measure.run_once: run from bytecode
    done = subprocess.run(
        [_measure.python(), "-X", "importtime", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    times: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        _, cumulative, field = line.split("|")
        depth = (len(field) - len(field.lstrip()) - 1) // 2
        if depth == 0:
            times[field.strip()] = int(cumulative)
    return times


def run(quick: bool = False, repo: Path | None = None) -> list[Row]:
    history = corpora.external_history(repo) if repo else corpora.stdlib_history(1000)
    staged = corpora.staged_change(history, files=20)
    runs = 5 if quick else 11
    rows: list[Row] = []
    for args in (("diff", "--staged"), ("hook", "pre-commit")):
        bench = f"imports: agent-guard {' '.join(args)}"
        why = _measure.probe(*args[:1] if args[0] == "diff" else args, cwd=staged)
        if why:
            rows.append(unavailable(bench, "-", why))
            continue
        argv = ["-m", "agent_guard", *args]
        importtimes(argv, staged)  # warm-up: bytecode and policy cache
        samples: dict[str, list[int]] = defaultdict(list)
        for _ in range(runs):
            for module, micros in importtimes(argv, staged).items():
                samples[module].append(micros)
        totals = [sum(v[i] for v in samples.values() if len(v) == runs) for i in range(runs)]
        rows.append(Row(bench, "all imports", statistics.median(totals) / 1e6, runs=runs))
        medians = {m: statistics.median(v) for m, v in samples.items() if len(v) == runs}
        for module, median in sorted(medians.items(), key=lambda kv: -kv[1])[:TOP]:
            rows.append(Row(bench, f"  {module}", median / 1e6, runs=runs))
    return rows


if __name__ == "__main__":
    standalone(run)
