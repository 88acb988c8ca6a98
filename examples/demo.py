"""`make demo`: agent-guard at work on a throw-away copy of the example app.

Each step narrates what it shows and runs the real command line in a real git repository
under `.demo/` (recreated on every run). The server is a bare repository with agent-guard's
pre-receive hook, reached over a real transport: `git daemon --enable=receive-pack` on
127.0.0.1 and a free port, started and stopped here. The daemon authenticates nobody, so
no push approves anything by who makes it: the lead's approval holds by its signature, made
with an SSH key the demo generates. Standard library only (plus git and ssh-keygen): run it
with the project's virtualenv Python (`make demo` does).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import string
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DEMO = Path(os.environ.get("AGENT_GUARD_DEMO_DIR", ROOT / ".demo"))
REPO = DEMO / "order-assistant"
SERVER = DEMO / "server.git"
LEAD_KEY = DEMO / "lead_signing_key"
AGENT = {
    "GIT_AUTHOR_NAME": "Coding Agent",
    "GIT_AUTHOR_EMAIL": "agent@example.com",
    "GIT_COMMITTER_NAME": "Coding Agent",
    "GIT_COMMITTER_EMAIL": "agent@example.com",
}
GIT_ENV = {**AGENT, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
# The lead's own git settings (their ~/.gitconfig, in real life): who they are and the key
# git signs with. The agent has no access to the key.
LEAD_CONFIG = {
    "user.name": "Lead",
    "user.email": "lead@example.com",
    "gpg.format": "ssh",
    "user.signingkey": str(LEAD_KEY),
}
BOLD, DIM, RESET = ("\033[1m", "\033[2m", "\033[0m") if sys.stdout.isatty() else ("", "", "")


def say(text: str) -> None:
    sys.stdout.write(f"\n{BOLD}== {text}{RESET}\n")
    sys.stdout.flush()


def run(args: Sequence[str], *, check: bool = True, env: dict[str, str] | None = None) -> int:
    """Run a command in the demo repository, showing it and its output."""
    shown = " ".join(args)
    sys.stdout.write(f"{DIM}$ {shown}{RESET}\n")
    sys.stdout.flush()
    result = subprocess.run(
        list(args),
        cwd=REPO,
        env={**os.environ, **GIT_ENV, **(env or {})},
        stderr=subprocess.STDOUT,  # in order with the narration (git push talks on stderr)
        check=False,
    )
    if check and result.returncode != 0:
        raise SystemExit(f"demo: `{shown}` failed with exit code {result.returncode}")
    return result.returncode


def agent_guard(*args: str, check: bool = True, env: dict[str, str] | None = None) -> int:
    if not (Path(sys.executable).parent / "agent-guard").exists():  # not installed: the module
        return run([sys.executable, "-m", "agent_guard", *args], check=check, env=env)
    return run(["agent-guard", *args], check=check, env={**PATH_ENV, **(env or {})})


def git(*args: str) -> None:
    run(["git", *args])


def as_lead() -> dict[str, str]:
    """The environment of the lead's commands: their identity and signing key."""
    env = {"GIT_CONFIG_COUNT": str(len(LEAD_CONFIG))}
    for index, (key, value) in enumerate(LEAD_CONFIG.items()):
        env[f"GIT_CONFIG_KEY_{index}"], env[f"GIT_CONFIG_VALUE_{index}"] = key, value
    for part in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{part}_NAME"], env[f"GIT_{part}_EMAIL"] = "Lead", "lead@example.com"
    return env


# `agent-guard` as the user types it: the console script of the interpreter running the demo.
PATH_ENV = {"PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def git_daemon() -> Iterator[str]:
    """`git daemon` serving DEMO with pushes enabled, on 127.0.0.1; yields the server's URL.

    Its environment carries no pusher variable: the hook learns nothing about who pushes.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GL_", "GIT_", "GITEA_"))}
    daemon = subprocess.Popen(
        [
            "git", "daemon", "--reuseaddr", "--export-all", "--enable=receive-pack",
            "--listen=127.0.0.1", f"--port={port}", f"--base-path={DEMO}", str(DEMO),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if daemon.poll() is not None or time.monotonic() > deadline:
                    message = "demo: `git daemon` did not start (is git's daemon installed?)"
                    raise SystemExit(message) from None
                time.sleep(0.05)
        yield f"git://127.0.0.1:{port}/{SERVER.name}"
    finally:
        daemon.terminate()
        try:
            daemon.wait(timeout=5)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()


def step_build_repository(url: str) -> None:
    say("1. The team's repository, its rule file, and a server that enforces it")
    note(
        "The admin creates the server from the team's existing history (`git clone --bare`)\n"
        "and installs agent-guard's pre-receive hook; the lead's SSH public key is listed in\n"
        ".agent-guard/allowed_signers, so the server can verify the lead's signature.\n"
        f"The server is reached over git:// ({url}); nobody is authenticated."
    )
    ignore = shutil.ignore_patterns("demo.py", "__pycache__", "*.pyc", ".ruff_cache", ".mypy_cache")
    shutil.copytree(EXAMPLES, REPO, ignore=ignore)
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lead", "-f", str(LEAD_KEY)],
        check=True,
    )
    public = LEAD_KEY.with_name(LEAD_KEY.name + ".pub").read_text(encoding="utf-8").strip()
    signers = REPO / ".agent-guard" / "allowed_signers"
    signers.parent.mkdir()
    signers.write_text(f"lead@example.com {public}\n", encoding="utf-8")
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "Order assistant: FastAPI app, rule file and agent-guard config")
    quiet(["git", "clone", "-q", "--bare", str(REPO), str(SERVER)])
    hook = SERVER / "hooks" / "pre-receive"
    hook.write_text(f'#!/bin/sh\nexec "{sys.executable}" -P -m agent_guard hook pre-receive\n')
    hook.chmod(0o755)
    git("remote", "add", "origin", url)
    quiet(["git", "fetch", "-q", "origin"], cwd=REPO)
    git("branch", "-q", "--set-upstream-to=origin/main")
    note("The agent's checkout gets agent-guard's local hooks:")
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


def step_agent_skips_hooks() -> None:
    say("4. The agent fixes the code, skips its local hooks (--no-verify) and pushes")
    note("Local hooks are advice: the server judges the push with the policy it already has.")
    edit("app/api/routes/orders.py", replace=clean_routes())
    edit("app/settings.py", replace=CLEAN_SETTINGS)
    git("add", "-A")
    git("commit", "-q", "--no-verify", "-m", "Add coupons")
    code = run(["git", "push", "origin", "main"], check=False)
    expect_blocked(code, "the push")


def step_agent_forges_approval() -> None:
    say("5. The agent writes the approval trailer itself: the server does not believe it")
    message = "Add coupons\n\nEscalation-Approved-By: Lead <lead@example.com>\n"
    git("commit", "-q", "--amend", "--no-verify", "-m", message)
    code = run(["git", "push", "origin", "main"], check=False)
    expect_blocked(code, "the push")


def step_lead_approves() -> None:
    say("6. The lead reviews the change and approves it with `agent-guard approve`")
    note(
        "approve judges the push as the server will (so the forged trailer does not count),\n"
        "then writes an approval commit signed with the lead's key (git config of the lead:\n"
        + ", ".join(f"{key}={value}" for key, value in LEAD_CONFIG.items())
        + ")."
    )
    agent_guard("approve", env=as_lead())
    note("The push carries the signed approval; git daemon still says nothing about who pushes:")
    run(["git", "push", "origin", "main"])


STEPS: tuple[Callable[[], None], ...] = (
    step_show_rules,
    step_agent_commits,
    step_agent_skips_hooks,
    step_agent_forges_approval,
    step_lead_approves,
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


def quiet(args: Sequence[str], *, cwd: Path | None = None) -> None:
    """A setup command the narration does not show."""
    subprocess.run(list(args), cwd=cwd, env={**os.environ, **GIT_ENV}, check=True)


def main() -> None:
    if shutil.which("ssh-keygen") is None:
        raise SystemExit("demo: needs ssh-keygen (OpenSSH) to make the lead's signing key")
    if DEMO.exists():
        shutil.rmtree(DEMO)
    DEMO.mkdir(parents=True)
    with git_daemon() as url:
        step_build_repository(url)
        for step in STEPS:
            step()
    say(f"Done. The demo repositories are in {DEMO} (recreated on each run).")


if __name__ == "__main__":
    main()
