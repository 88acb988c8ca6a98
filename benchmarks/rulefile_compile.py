"""Cold compile time of a 5,000-line rule file (the issue's budget: under 0.5 s).

Run: .venv/bin/python benchmarks/rulefile_compile.py [--corpus DIR] [--runs N]

Each run is a fresh parse and compile of the same text with every cache of the grammar
cleared, so every run is cold. Two texts: the synthetic file of tests/policy/test_markdown.py
(headings, prose, nested bullets, a table, fences), and with `--corpus DIR` a file built from
the real rule files under DIR (e.g. ../shared/corpus/rulefiles), concatenated up to 5,000
lines, each copy's headings made distinct so that no sentence is read from the cache.

Printed per text: the median and minimum of wall time and of CPU time (CPU time is what to
compare on a loaded machine), and the floor: reading the same bytes as UTF-8, splitting
them into lines and `yaml.safe_load` of a front matter, the least any rule-file reader does.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import yaml

from agent_guard.policy import compiler, grammar
from agent_guard.policy.config import Config
from agent_guard.policy.load import compile_files
from tests.policy.test_markdown import big_rule_file

LINES = 5000
SKIPPED = {"SOURCES.tsv", "labels.yaml", "score.py", "README.md"}
FRONT_MATTER = "description: backend rules\nglobs: ['**/*.py']\nalwaysApply: true\n"


def corpus_rule_file(folder: Path, lines: int = LINES) -> str:
    """Real rule files concatenated (front matter dropped) until `lines` lines."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name not in SKIPPED)
    out: list[str] = []
    copy = 0
    while len(out) < lines and files:
        copy += 1
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            if text.startswith("---") and (end := text.find("\n---", 3)) > 0:
                text = text[end + 4 :]
            for line in text.splitlines():
                out.append(f"{line} (copy {copy})" if re.match(r"^#{1,6}\s", line) else line)
    return "\n".join(out[:lines]) + "\n"


def _cold(text: bytes) -> tuple[float, float, int]:
    grammar.clear_caches()
    compiler.clear_caches()
    wall, cpu = time.perf_counter(), time.process_time()
    policy = compile_files(Config(), [("AGENTS.md", text)])
    return time.perf_counter() - wall, time.process_time() - cpu, len(policy.rules)


def _floor(text: bytes) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    text.decode("utf-8").splitlines()
    yaml.safe_load(FRONT_MATTER)
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(name: str, text: bytes, runs: int) -> None:
    results = [_cold(text) for _ in range(runs)]
    floors = [_floor(text) for _ in range(runs)]
    walls, cpus = [r[0] for r in results], [r[1] for r in results]
    floor_cpu = statistics.median(f[1] for f in floors)
    lines = text.count(b"\n")
    print(
        f"{name}: {lines} lines, {results[0][2]} rules: "
        f"wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}), "
        f"cpu median {statistics.median(cpus):.3f} s (min {min(cpus):.3f}); "
        f"floor cpu {floor_cpu * 1000:.1f} ms"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, help="a folder of real rule files")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    compile_files(Config(), [("warm-up.md", b"- Never use eval\n")])  # imports only
    measure("synthetic", big_rule_file().encode(), args.runs)
    if args.corpus is not None:
        if not args.corpus.is_dir():
            sys.exit(f"rulefile_compile: not a folder: {args.corpus}")
        measure("corpus", corpus_rule_file(args.corpus).encode(), args.runs)


if __name__ == "__main__":
    main()
