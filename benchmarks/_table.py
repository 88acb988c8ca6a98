"""The one result format every benchmark returns, and the table `run.py` prints.

A benchmark script exposes `run(quick: bool = False) -> list[Row]` (preferred) or a
`main()` that prints its own output. Each `Row` is one tool measured on one workload:

    from _table import Row                      # benchmarks/ is on sys.path under run.py
    Row(benchmark="commit", tool="agent-guard diff --staged", median_s=0.121, runs=15,
        peak_rss_kib=41_000, baseline="floor", ratio=1.08, goal="<= 1.5x floor", ok=True)

- `median_s` is None when the tool could not run (`note` says why: "not available yet").
- `ratio` is `median_s / baseline's median_s`; `goal` is the target in words and `ok`
  whether the ratio meets it (None when there is no goal for that row).
- `peak_rss_kib` is the peak resident set of the measured process tree's largest process
  (ru_maxrss of that child from wait4, in KiB as Linux reports it).

`ratio_row` fills ratio/ok from two rows; `render` makes the fixed-width text table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class Row:
    benchmark: str
    tool: str
    median_s: float | None
    runs: int = 0
    peak_rss_kib: int | None = None
    baseline: str | None = None
    ratio: float | None = None
    goal: str | None = None
    ok: bool | None = None
    note: str = ""


def unavailable(benchmark: str, tool: str, why: str) -> Row:
    """A row for a tool that could not be measured, with the reason."""
    return Row(benchmark=benchmark, tool=tool, median_s=None, note=why)


def ratio_row(row: Row, baseline: Row, *, limit: float | None = None) -> Row:
    """`row` with its ratio against `baseline`, and `ok` when a limit (max ratio) is given."""
    if row.median_s is None or not baseline.median_s:
        return replace(row, baseline=baseline.tool)
    ratio = row.median_s / baseline.median_s
    goal = f"<= {limit:g}x {baseline.tool}" if limit is not None else row.goal
    ok = ratio <= limit if limit is not None else row.ok
    return replace(row, baseline=baseline.tool, ratio=ratio, goal=goal, ok=ok)


def _ms(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds * 1000:,.1f}"


def _mib(kib: int | None) -> str:
    return "" if kib is None else f"{kib / 1024:,.1f}"


def render(rows: Iterable[Row]) -> str:
    """A fixed-width table: one line per row, grouped by benchmark in the order given."""
    header = ("benchmark", "tool", "median ms", "runs", "peak MiB", "ratio", "goal", "met", "note")
    lines: list[tuple[str, ...]] = [header]
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}x"
        met = {None: "", True: "yes", False: "NO"}[row.ok]
        lines.append(
            (
                row.benchmark,
                row.tool,
                _ms(row.median_s),
                str(row.runs) if row.runs else "",
                _mib(row.peak_rss_kib),
                ratio,
                row.goal or "",
                met,
                row.note,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    numeric = {2, 3, 4, 5}
    out = []
    for index, line in enumerate(lines):
        cells = [
            cell.rjust(widths[i]) if i in numeric else cell.ljust(widths[i])
            for i, cell in enumerate(line)
        ]
        out.append("  ".join(cells).rstrip())
        if index == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def standalone(run: Callable[..., list[Row]]) -> None:
    """Run one benchmark module by itself: `python benchmarks/NAME.py [--quick]`.

    `BENCH_REPO=PATH` takes the history from that repository, as `run.py --repo` does.
    """
    import os
    import sys
    from pathlib import Path

    repo = Path(os.environ["BENCH_REPO"]) if os.environ.get("BENCH_REPO") else None
    sys.stdout.write(render(run(quick="--quick" in sys.argv, repo=repo)) + "\n")
