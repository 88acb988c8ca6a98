"""Adopting agent-guard as the README says: `agent-guard init`, then the first commit through
every local hook and the first push to a server that runs the pre-receive hook.

The adoption commit adds the policy, so it escalates (policy-change) and is approved the
usual way: a listed approver's trailer locally, the approver's own push on the server.
Nothing in what `init` writes may be an error that no approval can lift (it once was: the
commented `secret: {severity: error}` line was reported as a secret).
"""

from __future__ import annotations

from collections.abc import Callable

from tests.conftest import SEED_RULE_FILE, GitRepo
from tests.hooks.conftest import APPROVER_ENV, SERVICE, install_pre_receive, push

HOOKS = ("pre-commit", "commit-msg", "pre-push")


def test_init_then_commit_and_push_through_every_hook(
    make_repo: Callable[..., GitRepo],
) -> None:
    server = make_repo("server.git", bare=True)
    install_pre_receive(server)
    project = make_repo("project")
    project.git("config", "user.name", "lead")
    project.git("config", "user.email", "lead@example.com")
    project.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_bytes())
    project.write("app/__init__.py", "")
    project.write("app/services.py", SERVICE)
    project.write("app/db/__init__.py", "")
    project.write("tests/db/test_session.py", "def test_it() -> None: ...\n")

    init = project.agent_guard("init")
    assert init.returncode == 0, init.stderr
    assert "component db: app/db/** -> app.db" in init.stdout
    config = project.path / ".agent-guard.yaml"
    text = config.read_text()
    assert '  db: {paths: ["app/db/**"], modules: ["app.db"]}' in text  # never tests/db
    assert "#   secret: {severity: error}" in text  # the line that was once a "secret"
    config.write_text(text.replace("approvers: []", 'approvers: ["lead", "lead@example.com"]'))
    install = project.agent_guard("install", *(f"--hook-type={hook}" for hook in HOOKS))
    assert install.returncode == 0, install.stderr

    project.add()
    staged = project.agent_guard("diff", "--staged", "--format", "json")
    assert '"check": "secret"' not in staged.stdout, staged.stdout
    message = "Adopt agent-guard\n\nEscalation-Approved-By: lead <lead@example.com>\n"
    committed = project.git("commit", "-q", "-m", message, check=False)  # runs the hooks
    assert project.git("log", "--format=%s", check=False).strip() == "Adopt agent-guard", committed

    project.git("remote", "add", "origin", str(server.path))
    first = push(project, "main", env=APPROVER_ENV)  # pre-push here, pre-receive there
    assert first.accepted, first
    assert "secret" not in first.output

    # after adoption, an agent's ordinary change passes every hook and the server unaided
    project.git("config", "user.name", "Agent Smith")
    project.git("config", "user.email", "agent@example.com")
    project.write("app/services.py", SERVICE + "\n\ndef bye(name: str) -> str:\n    return name\n")
    project.add()
    project.git("commit", "-q", "-m", "Say goodbye")
    second = push(project, "main")
    assert second.accepted, second
    assert server.git("log", "--format=%s", "main").splitlines() == [
        "Say goodbye",
        "Adopt agent-guard",
    ]
