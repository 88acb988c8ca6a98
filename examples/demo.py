"""`make demo`: agent-guard at work on a throw-away copy of the example app.

Each step narrates what it shows and runs the real command line in a real git repository
under `.demo/` (recreated on every run). Standard library only: run it with the project's
virtualenv Python (`make demo` does).
"""

from __future__ import annotations

import os
import secrets
import shutil
import string
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DEMO = Path(os.environ.get("AGENT_GUARD_DEMO_DIR", ROOT / ".demo"))
REPO = DEMO / "order-assistant"
SERVER = DEMO / "server.git"
LEAD = {"GL_USERNAME": "lead"}  # how GitLab tells a server hook who pushes
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


def run(args: Sequence[str], *, check: bool = True, env: dict[str, str] | None = None) -> int:
    """Run a command in the demo repository, showing it and its output."""
    shown = " ".join(args)
    who = " ".join(f"{key}={value}" for key, value in (env or {}).items())
    sys.stdout.write(f"{DIM}$ {who + ' ' if who else ''}{shown}{RESET}\n")
    sys.stdout.flush()
    result = subprocess.run(
        list(args), cwd=REPO, env={**os.environ, **GIT_ENV, **(env or {})}, check=False
    )
    if check and result.returncode != 0:
        raise SystemExit(f"demo: `{shown}` failed with exit code {result.returncode}")
    return result.returncode


def agent_guard(*args: str, check: bool = True) -> int:
    return run([sys.executable, "-m", "agent_guard", *args], check=check)


def git(*args: str) -> None:
    run(["git", *args])


def step_build_repository() -> None:
    say("1. The team's repository: the example app, its rule file, and a server that enforces it")
    if DEMO.exists():
        shutil.rmtree(DEMO)
    SERVER.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(SERVER)], check=True)
    hook = SERVER / "hooks" / "pre-receive"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -P -m agent_guard hook pre-receive\n')
    hook.chmod(0o755)
    ignore = shutil.ignore_patterns("demo.py", "__pycache__", "*.pyc", ".ruff_cache", ".mypy_cache")
    shutil.copytree(EXAMPLES, REPO, ignore=ignore)
    git("init", "-q", "-b", "main")
    git("remote", "add", "origin", str(SERVER))
    git("add", "-A")
    git("commit", "-q", "-m", "Order assistant: FastAPI app, rule file and agent-guard config")
    note("The lead pushes the first version (the server runs `agent-guard hook pre-receive`).")
    run(["git", "push", "-q", "origin", "main"], env=LEAD)
    note("The agent's clone gets agent-guard's local hooks:")
    agent_guard("install", "--hook-type", "pre-commit", "--hook-type", "commit-msg")


def step_show_rules() -> None:
    say("2. What the rule file asks for, compiled into checks (agent-guard rules)")
    note(
        "Every rule is listed with its file:line, its severity and the checks enforcing it;\n"
        "rules no check covers stay 'advisory'. Components and boundaries come from\n"
        ".agent-guard.yaml plus the rule file's own words."
    )
    agent_guard("rules")


def step_agent_commits() -> None:
    say("3. An agent adds coupons: it edits models.py, blocks the event loop, prints, and")
    sys.stdout.write("   pastes an API key. The pre-commit hook stops the commit and says why.\n")
    edit("app/models.py", append=COUPON_MODEL)
    edit("app/api/routes/orders.py", append=SLOW_ROUTE, prepend="import time\n")
    edit("app/settings.py", replace=f'PAYMENTS_API_KEY = "{FAKE_KEY}"\n')
    git("add", "-A")
    code = run(["git", "commit", "-m", "Add coupons"], check=False)
    expect_blocked(code, "the commit")


def step_agent_fixes_code() -> None:
    say("4. The agent fixes what it can fix; the models.py change still needs a human")
    edit("app/api/routes/orders.py", replace=clean_routes())
    edit("app/settings.py", replace=CLEAN_SETTINGS)
    git("add", "-A")
    code = run(["git", "commit", "-m", "Add coupons"], check=False)
    expect_blocked(code, "the commit")


def step_agent_forges_approval() -> None:
    say("5. The agent skips its hooks and forges an approval trailer; the server holds the line")
    message = "Add coupons\n\nEscalation-Approved-By: Lead <lead@example.com>\n"
    git("commit", "-q", "--no-verify", "-m", message)
    code = run(["git", "push", "origin", "main"], check=False)
    expect_blocked(code, "the push")


def step_lead_pushes() -> None:
    say("6. The lead reviews the change and pushes it: an approver's push approves it")
    run(["git", "push", "origin", "main"], env=LEAD)


STEPS: tuple[Callable[[], None], ...] = (
    step_build_repository,
    step_show_rules,
    step_agent_commits,
    step_agent_fixes_code,
    step_agent_forges_approval,
    step_lead_pushes,
)

COUPON_MODEL = """

class Coupon(Base):
    __tablename__ = "coupons"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
"""
SLOW_ROUTE = """

@router.get("/{order_id}/coupon")
async def coupon_for(order_id: int) -> dict[str, str]:
    time.sleep(0.5)  # wait for the payment provider
    print("coupon requested", order_id)
    return {"order": str(order_id), "coupon": "WELCOME"}
"""
CLEAN_SETTINGS = '"""Settings read from the environment."""\n\nimport os\n\n' + (
    'PAYMENTS_API_KEY = os.environ["PAYMENTS_API_KEY"]\n'
)
# A key in a real provider's format, made up on each run so no real or fixed key is shipped.
FAKE_KEY = "sk_live_" + "".join(
    secrets.choice(string.ascii_letters + string.digits) for _ in range(32)
)


def note(text: str) -> None:
    sys.stdout.write(text + "\n")


def edit(relpath: str, *, append: str = "", prepend: str = "", replace: str | None = None) -> None:
    """Change a file of the demo repository as the agent would."""
    target = REPO / relpath
    text = replace if replace is not None else target.read_text(encoding="utf-8")
    if prepend:
        docstring_end = text.index('"""', 3) + 3
        text = text[:docstring_end] + "\n\n" + prepend + text[docstring_end:].lstrip("\n")
    target.write_text(text + append, encoding="utf-8")


def expect_blocked(code: int, what: str) -> None:
    if code == 0:
        raise SystemExit(f"demo: {what} should have been blocked, but it went through")
    note(f"-> {what} was blocked (exit code {code}).")


def clean_routes() -> str:
    """The orders routes with the agent's coupon route written the way the rules ask."""
    route = SLOW_ROUTE.replace("time.sleep(0.5)", "await asyncio.sleep(0.5)").replace(
        'print("coupon requested", order_id)', 'log.info("coupon requested for %s", order_id)'
    )
    original = (EXAMPLES / "app/api/routes/orders.py").read_text(encoding="utf-8")
    imports = "from __future__ import annotations\n\nimport asyncio\nimport logging\n"
    original = original.replace("from __future__ import annotations\n", imports)
    original = original.replace(
        "router = APIRouter(", "log = logging.getLogger(__name__)\nrouter = APIRouter("
    )
    return original + route


def main() -> None:
    for step in STEPS:
        step()
    say(f"Done. The demo repositories are in {DEMO} (recreated on each run).")


if __name__ == "__main__":
    main()
