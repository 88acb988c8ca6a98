"""Boundaries drawn from the rule file alone (no config) block real commits that cross them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import GitRepo

RULES = """\
# Architecture

- The api layer must not import from the db layer.
- Polling intervals are NOT user-configurable.

## Routers (app/routers/**)

- FORBIDDEN imports: `sqlalchemy`, `app.db.*`
"""


@pytest.fixture
def layered(repo: GitRepo) -> GitRepo:
    repo.write("AGENTS.md", RULES)
    repo.write("pyproject.toml", '[project]\nname = "app"\ndependencies = ["sqlalchemy"]\n')
    for package in ("app", "app/api", "app/db", "app/services", "app/routers"):
        repo.write(f"{package}/__init__.py", "")
    repo.write("app/db/session.py", "import sqlalchemy\n")
    repo.write("app/services/orders.py", "from app.db import session\n")
    repo.write("app/api/routes.py", "import logging\n")
    repo.write("app/routers/users.py", "import logging\n")
    repo.commit("base")
    return repo


def boundary_findings(repo: GitRepo) -> list[tuple[str, int, str]]:
    done = repo.cli("diff", "HEAD~1..HEAD", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    found = json.loads(done.stdout)["findings"]
    return sorted(
        (f["path"], f["line"], f["rule"]["text"]) for f in found if f["check"] == "boundary"
    )


def test_the_api_importing_the_db_is_blocked(layered: GitRepo) -> None:
    layered.write("app/api/routes.py", "import logging\nfrom app.db import session\n")
    layered.commit("api reaches into the db")
    assert boundary_findings(layered) == [
        ("app/api/routes.py", 2, "The api layer must not import from the db layer.")
    ]
    assert layered.cli("diff", "HEAD~1..HEAD").returncode == 1


def test_going_through_the_service_layer_passes(layered: GitRepo) -> None:
    layered.write("app/api/routes.py", "import logging\nfrom app.services import orders\n")
    layered.write("app/services/orders.py", "from app.db import session\nfrom app.db import x\n")
    layered.commit("api calls the service; the service uses the db")
    assert boundary_findings(layered) == []  # an import rule forbids direct imports only


def test_a_forbidden_import_list_under_a_scoped_heading(layered: GitRepo) -> None:
    layered.write("app/routers/users.py", "import logging\nimport sqlalchemy.orm\n")
    layered.write("app/services/orders.py", "from app.db import session\nimport sqlalchemy\n")
    layered.commit("a router imports sqlalchemy; a service may")
    rule = "FORBIDDEN imports: `sqlalchemy`, `app.db.*`"
    assert boundary_findings(layered) == [("app/routers/users.py", 2, rule)]


def test_rules_shows_where_each_derived_boundary_came_from(layered: GitRepo) -> None:
    text = layered.cli("rules")
    assert text.returncode == 0, text.stderr
    assert "  api -/-> db  [direct imports]  (AGENTS.md:3)" in text.stdout
    assert "app/api/**  modules: app.api  (from AGENTS.md:3)" in text.stdout
    assert "  app/routers/** -/-> sqlalchemy  [direct imports]  (AGENTS.md:8)" in text.stdout
    document = json.loads(layered.cli("rules", "--format", "json").stdout)
    assert {(b["from"], b["to"], b["origin"]) for b in document["boundaries"]} == {
        ("api", "db", "rules"),
        ("app/routers/**", "sqlalchemy", "rules"),
        ("app/routers/**", "app.db", "rules"),
    }
    origins = {c["name"]: c["origin"] for c in document["components"]}
    assert origins["api"] == "AGENTS.md:3"
    assert not any("Polling" in n for n in document["notes"])


def test_an_unmapped_side_is_a_note_and_blocks_nothing(repo: GitRepo) -> None:
    repo.write("AGENTS.md", "- WhatsApp never talks to the DB directly.\n")
    for package in ("app", "app/db", "app/handlers"):
        repo.write(f"{package}/__init__.py", "")
    repo.commit("base")
    repo.write("app/handlers/whatsapp.py", "from app.db import session\n")
    repo.commit("a handler uses the db")
    assert boundary_findings(repo) == []
    notes = json.loads(repo.cli("rules", "--format", "json").stdout)["notes"]
    assert any("could not map 'WhatsApp' to a component" in n for n in notes)


def test_a_package_added_later_is_seen_through_the_policy_cache(repo: GitRepo) -> None:
    """The compiled policy is cached; a boundary that needed the tree is keyed by it."""
    repo.write("AGENTS.md", "- The api layer must not import from the db layer.\n")
    repo.write("app/__init__.py", "")
    repo.write("app/db/__init__.py", "")
    repo.write("app/web/__init__.py", "")
    repo.commit("base: no api package yet")
    repo.write("app/web/views.py", "from app.db import session\n")
    repo.commit("web uses the db")
    assert boundary_findings(repo) == []  # compiled (and cached) with no `api` package
    assert json.loads(repo.cli("rules", "--format", "json").stdout)["boundaries"] == []
    repo.write("app/api/__init__.py", "")
    repo.write("app/api/routes.py", "from app.db import session\n")
    repo.commit("the api package appears, importing the db")
    assert [(b["from"], b["to"]) for b in json.loads(repo.cli("rules", "--format", "json")
            .stdout)["boundaries"]] == [("api", "db")]  # fmt: skip
    assert boundary_findings(repo) == [
        ("app/api/routes.py", 1, "The api layer must not import from the db layer.")
    ]
