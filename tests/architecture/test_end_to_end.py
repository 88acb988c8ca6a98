"""From the seed rule file to a blocked commit: the policy, the engine and these checks."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SEED_RULE_FILE, GitRepo

CONFIG = """\
rules: [".cursor/rules/*.mdc"]
components:
  whatsapp: {paths: ["app/whatsapp/**"], modules: ["app.whatsapp"]}
  db: {paths: ["app/db/**"], modules: ["app.db", "sqlalchemy"]}
  llm: {paths: ["app/llm/**"], modules: ["app.llm"]}
  crud: {paths: ["app/crud/**"], modules: ["app.crud"]}
checks:
  llm-writes: {write_modules: ["app.crud"]}
"""


@pytest.fixture
def app_repo(repo: GitRepo) -> GitRepo:
    repo.write(".cursor/rules/backend.mdc", SEED_RULE_FILE.read_text())
    repo.write(".agent-guard.yaml", CONFIG)
    repo.write("pyproject.toml", '[project]\nname = "app"\ndependencies = ["sqlalchemy"]\n')
    for package in ("app", "app/db", "app/services", "app/whatsapp", "app/llm", "app/crud"):
        repo.write(f"{package}/__init__.py", "")
    repo.write("app/db/session.py", "import sqlalchemy\n")
    repo.write("app/services/orders.py", "from app.db import session\n")
    repo.write("app/crud/users.py", "X = 1\n")
    repo.write("app/whatsapp/handler.py", "import logging\n")
    repo.write("app/llm/summarise.py", "import logging\n")
    repo.commit("base")
    return repo


def findings(repo: GitRepo, *args: str) -> list[dict[str, object]]:
    done = repo.cli("diff", "--format", "json", *args)
    assert done.returncode in (0, 1), done.stderr
    found = json.loads(done.stdout)["findings"]
    assert isinstance(found, list)
    return found


def test_rules_from_the_seed_block_a_commit(app_repo: GitRepo) -> None:
    app_repo.write(
        "app/whatsapp/handler.py",
        "import logging\nfrom app.services import orders\nimport httpx\nfrom ..db import session\n",
    )
    app_repo.write(
        "app/llm/summarise.py",
        "import logging\nfrom app.crud import users\n\n\ndef f(session):\n    session.commit()\n",
    )
    app_repo.write("app/db/session.py", "import sqlalchemy\nfrom app.services import orders\n")
    app_repo.commit("agent change")
    got = {(f["check"], f["path"], f["line"]) for f in findings(app_repo, "HEAD~1..HEAD")}
    # "WhatsApp never talks to DB directly": the direct import only, not the chain.
    assert ("boundary", "app/whatsapp/handler.py", 4) in got
    assert ("boundary", "app/whatsapp/handler.py", 2) not in got
    assert ("new-dependency", "app/whatsapp/handler.py", 3) in got
    assert ("llm-writes", "app/llm/summarise.py", 2) in got
    assert ("llm-writes", "app/llm/summarise.py", 6) in got
    assert ("import-cycle", "app/db/session.py", 2) in got
