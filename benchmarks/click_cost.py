"""What click costs on the hot path, the figure behind the lean parser (issue 12).

On the 20-file staged change (policy cache warm), interleaved runs of the same hot
command through the two parsers of its one declaration (commands/params.py):

- `lean`: `cli.main([...])`, what the console script runs (no click imported);
- `click`: `cli_group.run_click([...])`, the same command built and parsed by click.

Both start the same interpreter and run the same check, so the difference of the medians
is what importing click and building the command costs. The rule (issue 12, point 6): under
10 ms, click everywhere and no hand-written parser; otherwise keep the lean parser.

Measured (2 shared cores, Python 3.12.1, click 8.5.1, 2026-12-01, medians of 25 and 41
interleaved runs): diff --staged 150 -> 170 ms (+19 ms), hook pre-commit 163 -> 178 ms
(+15 ms); under more load +25 / +29 ms wall, and +24 ms of CPU time (user + sys, 31 runs)
for both. In-process: `import click` 26 ms, building the group and command 2 ms, parsing
0.6 ms. So the lean parser stays. Not part of `make bench`: run it by itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _measure
import corpora
from _table import Row, ratio_row, standalone

LEAN = "import sys; from agent_guard.cli import main; sys.exit(main({args!r}))"
CLICK = "import sys; from agent_guard.cli_group import run_click; sys.exit(run_click({args!r}))"


def run(quick: bool = False, repo: Path | None = None) -> list[Row]:
    history = corpora.external_history(repo) if repo else corpora.stdlib_history(1000)
    staged = corpora.staged_change(history, files=20)
    runs = 7 if quick else 25
    rows: list[Row] = []
    for args in (["diff", "--staged"], ["hook", "pre-commit"]):
        bench = f"parser: agent-guard {' '.join(args)}"
        commands = [
            _measure.Command(name, [_measure.python(), "-c", code.format(args=args)], staged)
            for name, code in (("lean", LEAN), ("click", CLICK))
        ]
        lean, clicked = (
            sample.row(bench) for sample in _measure.interleaved(commands, runs, warmup=2)
        )
        rows += [lean, ratio_row(clicked, lean)]
    return rows


if __name__ == "__main__":
    standalone(run)
