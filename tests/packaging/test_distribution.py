"""What a user installs: the distribution name, its command and package, its licence, and
that a clone builds and installs as the README's Install section says (offline: the wheel
is built with the dev environment's hatchling, `--no-build-isolation --no-index`).

The distribution is `agent-guard-git`: `agent-guard` on PyPI is an unrelated project, and
every doc that said `pip install agent-guard` installed it.
"""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from tests.conftest import ROOT

DISTRIBUTION = "agent-guard-git"
_WRONG_INSTALL = re.compile(
    r"\b(?:pip|pipx|uv pip|uv tool) install\b[^\n`]*?(?<![\w/.+-])agent-guard(?![\w-])"
)


def _docs() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def test_no_doc_installs_the_unrelated_agent_guard_project() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _docs()
        for match in _WRONG_INSTALL.finditer(path.read_text(encoding="utf-8"))
    ]
    assert wrong == [], "\n".join(wrong)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Install" in readme and "not on PyPI yet" in readme
    for tool in ("pip install", "pipx install", "uv tool install"):
        assert tool in readme


def test_the_distribution_keeps_the_command_and_the_package_names() -> None:
    distribution = importlib.metadata.distribution(DISTRIBUTION)
    assert distribution.metadata["Requires-Python"] == ">=3.11"
    assert distribution.metadata["License-Expression"] == "MIT"
    (script,) = [e for e in distribution.entry_points if e.group == "console_scripts"]
    assert (script.name, script.value) == ("agent-guard", "agent_guard.cli:main")
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License") and "the agent-guard authors" in licence


def test_a_clone_builds_and_installs_with_the_agent_guard_command(tmp_path: Path) -> None:
    clone = tmp_path / "agent-guard"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(wheels),
         str(clone)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("*.whl")
    assert wheel.name.startswith("agent_guard_git-")

    target = tmp_path / "env"
    venv.create(target, with_pip=False)
    python = target / "bin" / "python"
    installed = subprocess.run(
        [*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    # the dependencies come from this environment (no index here); agent_guard from the wheel
    env = {**os.environ, "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    version = subprocess.run(
        [str(target / "bin" / "agent-guard"), "--version"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert version.returncode == 0 and "version 0.1.0" in version.stdout, version.stderr
    where = subprocess.run(
        [str(python), "-c", "import agent_guard; print(agent_guard.__file__)"],
        capture_output=True, text=True, env=env, cwd=tmp_path, check=True,
    )  # fmt: skip
    assert where.stdout.startswith(str(target)), where.stdout
