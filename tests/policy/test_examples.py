"""The example app is clean under its own rules, and `make demo`'s script runs."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

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
    """The story `make demo` tells, over git:// to a `git daemon` the demo starts and stops:
    blocked locally, --no-verify rejected by the server, a forged trailer rejected, the
    lead's `agent-guard approve` (an SSH-signed commit) accepted with no pusher identity."""
    env = {**os.environ, "AGENT_GUARD_DEMO_DIR": str(tmp_path / "demo")}
    env.pop("GL_USERNAME", None)
    done = subprocess.run([sys.executable, str(EXAMPLES / "demo.py")], capture_output=True,
                          text=True, env=env, check=False, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "== 2. What the rule file asks for" in out
    assert ".cursor/rules/backend.mdc:24  authority_boundaries/database_models" in out
    assert (tmp_path / "demo" / "order-assistant" / ".git").is_dir()
    steps = out.split("\n== ")
    local, skipped, forged, approved = steps[3], steps[4], steps[5], steps[6]
    assert "-> the commit was blocked" in local and "passed" not in local
    assert "To git://127.0.0.1:" in skipped and "-> the push was blocked" in skipped
    assert "is not trusted: the commit is not signed" in forged
    assert "-> the push was blocked" in forged
    assert "GL_USERNAME" not in out  # no approval by a variable the pusher could set
    assert "$ agent-guard approve" in approved
    assert "signed with your SSH key" in approved
    assert "remote: passed: 1 approved" in approved
    assert "note: signed approval by lead" in approved
    assert out.count("counts only in a commit signed") == 3  # twice rejected, once in approve
    assert "judged by the policy" not in approved  # said on rejections only
    port = int(out.split("git://127.0.0.1:", 1)[1].split("/", 1)[0])
    with pytest.raises(OSError):  # the demo stopped its git daemon
        socket.create_connection(("127.0.0.1", port), timeout=1).close()


def test_make_demo_runs_the_demo_script() -> None:
    makefile = (EXAMPLES.parent / "Makefile").read_text(encoding="utf-8")
    assert "demo: setup\n\t@$(BIN)/python examples/demo.py\n" in makefile
