"""`make demo`: agent-guard at work on a throw-away copy of the example app.

Each step narrates what it shows and runs the real command line in a real git repository
under `.demo/` (recreated on every run). Standard library only: run it with the project's
virtualenv Python (`make demo` does).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DEMO = Path(os.environ.get("AGENT_GUARD_DEMO_DIR", ROOT / ".demo"))
REPO = DEMO / "order-assistant"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Coding Agent",
    "GIT_AUTHOR_EMAIL": "agent@example.com",
    "GIT_COMMITTER_NAME": "Coding Agent",
    "GIT_COMMITTER_EMAIL": "agent@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def say(text: str) -> None:
    sys.stdout.write(f"\n{BOLD}== {text}{RESET}\n")
    sys.stdout.flush()


def run(args: Sequence[str], *, check: bool = True) -> int:
    """Run a command in the demo repository, showing it and its output."""
    shown = " ".join(args)
    sys.stdout.write(f"{DIM}$ {shown}{RESET}\n")
    sys.stdout.flush()
    env = {**os.environ, **GIT_ENV}
    result = subprocess.run(list(args), cwd=REPO, env=env, check=False)
    if check and result.returncode != 0:
        raise SystemExit(f"demo: `{shown}` failed with exit code {result.returncode}")
    return result.returncode


def agent_guard(*args: str, check: bool = True) -> int:
    return run([sys.executable, "-m", "agent_guard", *args], check=check)


def git(*args: str) -> None:
    run(["git", *args])


def step_build_repository() -> None:
    say("1. A fresh git repository holding the example app and its rule file")
    if DEMO.exists():
        shutil.rmtree(DEMO)
    ignore = shutil.ignore_patterns("demo.py", "__pycache__", "*.pyc", ".ruff_cache", ".mypy_cache")
    shutil.copytree(EXAMPLES, REPO, ignore=ignore)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "Order assistant: FastAPI app, rule file and agent-guard config")
    git("log", "--oneline", "--stat")


def step_show_rules() -> None:
    say("2. What the rule file asks for, compiled into checks (agent-guard rules)")
    sys.stdout.write(
        "Every rule is listed with its file:line, its severity and the checks enforcing it;\n"
        "rules no check covers stay 'advisory'. Components and boundaries come from\n"
        ".agent-guard.yaml plus the rule file's own words.\n"
    )
    agent_guard("rules")


def step_explain() -> None:
    say("3. Why a check exists (agent-guard explain protected-file)")
    agent_guard("explain", "protected-file")


STEPS: tuple[Callable[[], None], ...] = (step_build_repository, step_show_rules, step_explain)


def main() -> None:
    for step in STEPS:
        step()
    say(f"Done. The demo repository is {REPO} (recreated on each run).")


if __name__ == "__main__":
    main()
