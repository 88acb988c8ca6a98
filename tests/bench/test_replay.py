"""benchmarks/replay.py replays real commits and counts what each check would have blocked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import GitRepo

REPLAY = Path(__file__).resolve().parents[2] / "benchmarks" / "replay.py"

RULES = """\
---
description: backend rules
globs: app/**/*.py
---
- Never leave print() calls in production code; use logging.
- Avoid implicit or undocumented types.
"""


def test_replay_counts_findings_and_lists_blocked_commits(repo: GitRepo, tmp_path: Path) -> None:
    rules = tmp_path / "backend.mdc"
    rules.write_text(RULES)
    repo.write("app/__init__.py", "")
    repo.write("app/orders.py", "def total(items):\n    return sum(items)\n")
    repo.commit("start")
    repo.write("app/orders.py", "def total(items):\n    print(items)\n    return sum(items)\n")
    debug = repo.commit("debug the total")
    repo.write("app/orders.py", "def total(items, /):\n    print(items)\n    return sum(items)\n")
    repo.commit("touch the total again")
    repo.write("README.md", "orders\n")
    repo.commit("docs")
    out = tmp_path / "replay.json"
    run = subprocess.run(
        [sys.executable, str(REPLAY), "--repo", str(repo.path), "--last", "10",
         "--rules", str(rules), "--json", str(out), "--new-only"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "3 commits" in run.stdout  # the root commit has no parent to diff against
    assert "crashes: 0   blocked: 1 (33.3%)" in run.stdout
    assert f"  {debug[:12]} debug the total" in run.stdout
    replayed = json.loads(out.read_text())
    assert [r["subject"] for r in replayed] == ["docs", "touch the total again", "debug the total"]
    # the second commit touches the signature of `total`: its old gap is not new (the engine
    # itself keeps only new violations now, so the table before the harness's filter agrees)
    assert replayed[1]["findings"] == []
    assert "missing-annotation" not in run.stdout.split("before the fingerprint filter")[1]
