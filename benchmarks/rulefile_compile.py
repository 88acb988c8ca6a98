"""Cold compile time of a 5,000-line rule file (the issue's budget: under 0.5 s).

Run: .venv/bin/python benchmarks/rulefile_compile.py
Prints the median of 5 runs, each a fresh parse and compile of the same text (the grammar's
per-sentence cache is cleared between runs, so every run is cold).
"""

from __future__ import annotations

import statistics
import time

from agent_guard.policy import grammar
from agent_guard.policy.config import Config
from agent_guard.policy.load import compile_files
from tests.policy.test_markdown import big_rule_file


def main() -> None:
    text = big_rule_file().encode()
    compile_files(Config(), [("warm-up.md", b"- Never use eval\n")])  # imports only
    times: list[float] = []
    rules = 0
    for _ in range(5):
        grammar.read.cache_clear()
        started = time.perf_counter()
        policy = compile_files(Config(), [("AGENTS.md", text)])
        times.append(time.perf_counter() - started)
        rules = len(policy.rules)
    lines = text.count(b"\n")
    print(
        f"{lines} lines, {rules} rules: median {statistics.median(times):.3f} s "
        f"(min {min(times):.3f} s)"
    )


if __name__ == "__main__":
    main()
