"""The example app is clean under its own rules, and `make demo`'s script runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, GitRepo

# Adding the example in one commit adds protected and policy files: those escalate by design.
PATH_CHECKS = {"policy-change", "protected-file"}


def test_example_app_is_clean_under_its_rules(repo: GitRepo) -> None:
    shutil.copytree(EXAMPLES, repo.path, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("demo.py", "__pycache__"))  # fmt: skip
    repo.commit("order assistant")
    done = repo.cli("diff", "--all-lines", "--fail-on", "warning", "--format", "json",
                            "HEAD")  # fmt: skip
    findings = json.loads(done.stdout)["findings"]
    code_findings = [f for f in findings if f["check"] not in PATH_CHECKS]
    assert code_findings == []
    assert {f["path"] for f in findings if f["check"] == "protected-file"} == {
        "app/models.py", "app/schemas.py"
    }  # fmt: skip


def test_demo_script_runs(tmp_path: Path) -> None:
    env = {**os.environ, "AGENT_GUARD_DEMO_DIR": str(tmp_path / "demo")}
    done = subprocess.run([sys.executable, str(EXAMPLES / "demo.py")], capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "== 2. What the rule file asks for" in done.stdout
    assert ".cursor/rules/backend.mdc:24  authority_boundaries/database_models" in done.stdout
    assert (tmp_path / "demo" / "order-assistant" / ".git").is_dir()
