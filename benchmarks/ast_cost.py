"""What the code checks cost, as a ratio to bare `ast.parse` of the same files.

The walker promises one walk per file whatever the number of checks (target: all checks at
most 2x parsing). This measures it on a large real code base every interpreter ships: the
standard library's own sources (`sysconfig.get_paths()["stdlib"]`, without site-packages
and test data that does not parse).

Method: the files are decoded once (untimed). Each round times, back to back, pass A (parse
every file) and pass B (parse every file and run `check_python` with every walker check
enabled); the order alternates between rounds, so machine noise falls on both alike. The
report gives the median of each pass over the rounds, the cost of the checks alone (B - A),
and the ratios B/A (what a commit pays, parse included) and (B - A)/A (the walk alone).

    .venv/bin/python benchmarks/ast_cost.py [--limit N] [--rounds R] [--json]
"""

from __future__ import annotations

import argparse
import ast
import gc
import json
import statistics
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent_guard.checks.pysource import SourceError, decode, parse
from agent_guard.checks.python import check_python
from agent_guard.checks.registry import CHECKS
from agent_guard.policy.model import CheckSettings, Policy


def stdlib_sources(limit: int | None) -> list[tuple[str, str]]:
    """(relative path, text) of the stdlib's .py files that decode and parse."""
    root = Path(sysconfig.get_paths()["stdlib"])
    sources: list[tuple[str, str]] = []
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith(("site-packages/", "dist-packages/")):
            continue
        try:
            text = decode(path.read_bytes())
            parse(text, relative)
        except (SourceError, OSError):
            continue  # test data that is broken on purpose, unreadable files
        sources.append((relative, text))
        if limit is not None and len(sources) >= limit:
            break
    return sources


def all_checks() -> Policy:
    """A policy with every check enabled at its default severity and options."""
    return Policy(checks={c.slug: CheckSettings(c.slug, c.default_severity) for c in CHECKS})


def pass_parse(sources: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for path, text in sources:
        ast.parse(text, filename=path)
    return time.perf_counter() - start


def pass_checks(sources: list[tuple[str, str]], policy: Policy) -> tuple[float, int]:
    findings = 0
    start = time.perf_counter()
    for path, text in sources:
        tree = ast.parse(text, filename=path)
        findings += len(check_python(path, text, tree, policy).findings)
    return time.perf_counter() - start, findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both passes")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()

    import warnings

    warnings.simplefilter("ignore", SyntaxWarning)  # invalid escapes in old stdlib modules
    sources = stdlib_sources(options.limit)
    policy = all_checks()
    pass_checks(sources[:50], policy)  # warm up: import the checks, compile their options
    parse_times: list[float] = []
    check_times: list[float] = []
    findings = 0
    for round_ in range(options.rounds):
        gc.collect()
        if round_ % 2 == 0:
            parse_times.append(pass_parse(sources))
            gc.collect()
            elapsed, findings = pass_checks(sources, policy)
            check_times.append(elapsed)
        else:
            elapsed, findings = pass_checks(sources, policy)
            check_times.append(elapsed)
            gc.collect()
            parse_times.append(pass_parse(sources))
    parse_median = statistics.median(parse_times)
    total_median = statistics.median(check_times)
    result = {
        "files": len(sources),
        "bytes": sum(len(text.encode()) for _, text in sources),
        "rounds": options.rounds,
        "parse_s": round(parse_median, 3),
        "parse_and_checks_s": round(total_median, 3),
        "checks_only_s": round(total_median - parse_median, 3),
        "ratio_total": round(total_median / parse_median, 3),
        "ratio_checks_only": round((total_median - parse_median) / parse_median, 3),
        "findings": findings,
    }
    if options.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['files']} stdlib files, {result['bytes'] / 1e6:.1f} MB, "
            f"{options.rounds} rounds (medians), {findings} findings"
        )
        print(f"  ast.parse                 {parse_median:8.2f} s")
        print(
            f"  ast.parse + all checks    {total_median:8.2f} s   "
            f"= {result['ratio_total']:.2f}x parse"
        )
        print(
            f"  the checks alone          {total_median - parse_median:8.2f} s   "
            f"= {result['ratio_checks_only']:.2f}x parse  (target: total at most 2x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
