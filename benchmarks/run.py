"""Run every benchmark and print one table (`make bench`).

    .venv/bin/python benchmarks/run.py [--quick] [--only NAME ...] [--repo PATH]

Each benchmark is a module in this folder exposing `run(quick=False, repo=None) ->
list[Row]` (see _table.py; a `run` may accept only some of these keywords) or, failing
that, a `main()` that prints its own output. Modules that do not exist yet are skipped
with a note, and a benchmark that crashes is reported (with its traceback on stderr)
without stopping the others. The table, with the machine it ran on, is printed and also
written to benchmarks/.work/last-run.txt.

--quick: fewer runs and smaller corpora (about a minute). --only: run only the named
benchmarks (module names, e.g. `--only commit_time warm`). --repo: use that git
repository's real history instead of the replayed standard library.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import inspect
import logging
import os
import shlex
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _table import Row, render, unavailable

HERE = Path(__file__).resolve().parent

# The order of the table: the goals first, then the per-area comparisons.
BENCHMARKS: tuple[str, ...] = (
    "commit_time",
    "push_time",
    "warm",
    "push_memory",
    "import_cost",
    "ast_cost",
    "ruff_agreement",
    "imports_vs_import_linter",
    "secrets_vs_detect_secrets",
)

log = logging.getLogger("bench")


def machine() -> str:
    """Where and when the figures were measured, and the command that produced them."""
    uname = " ".join(os.uname())
    return "\n".join(
        (
            f"date:    {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}",
            f"machine: {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}); {uname}",
            f"python:  {sys.version.split()[0]} ({sys.executable})",
            f"command: {shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])}",
        )
    )


def call(name: str, quick: bool, repo: Path | None) -> list[Row]:
    """Run one benchmark module; its rows, or one row saying why it could not run."""
    if not (HERE / f"{name}.py").is_file():
        return [unavailable(name, "-", "benchmark not written yet")]
    module = importlib.import_module(name)
    runner = getattr(module, "run", None)
    if runner is not None:
        accepted = inspect.signature(runner).parameters
        kwargs: dict[str, object] = {"quick": quick, "repo": repo}
        rows: list[Row] = runner(**{k: v for k, v in kwargs.items() if k in accepted})
        return rows
    entry = getattr(module, "main", None)
    if entry is None:
        return [unavailable(name, "-", "module has neither run() nor main()")]
    # A main() parses sys.argv itself: pass --quick only to a script that knows it.
    quick_flag = ["--quick"] if quick and "--quick" in inspect.getsource(module) else []
    saved = sys.argv
    sys.argv = [str(HERE / f"{name}.py"), *quick_flag]
    try:
        code = entry()
    except SystemExit as done:
        code = done.code
    finally:
        sys.argv = saved
    if code not in (None, 0):
        return [unavailable(name, "-", f"main() exited with {code}: see its output above")]
    return [Row(name, "-", None, note="printed its own output above")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, smaller corpora")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=BENCHMARKS, default=None)
    parser.add_argument("--repo", type=Path, help="a git repository to take history from")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s")

    rows: list[Row] = []
    for name in args.only or BENCHMARKS:
        start = time.perf_counter()
        log.info("running %s", name)
        try:
            rows += call(name, args.quick, args.repo)
        except Exception as error:  # one broken benchmark must not hide the others
            log.exception("%s failed", name)
            rows.append(unavailable(name, "-", f"failed: {type(error).__name__}: {error}"[:120]))
        log.info("%s took %.1f s", name, time.perf_counter() - start)

    report = f"{machine()}\n\n{render(rows)}\n"
    print(f"\n{report}")
    out = HERE / ".work" / "last-run.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report)


if __name__ == "__main__":
    main()
