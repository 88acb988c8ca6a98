"""Issue 15, point 10: `init` maps components to importable first-party packages only, by
their import names, and says what it matched and what it skipped.

Each layout is a real git repository modelled on a public application's shape (a src
layout, a Django project, a FastAPI backend in `backend/app` next to a JS `frontend/`), with
tests, docs, migrations and non-Python folders named like the components on purpose.
"""

from __future__ import annotations

import pytest
import yaml

from tests.conftest import GitRepo

RULES = """# Agent rules

## Architecture
{lines}
"""


def _init(repo: GitRepo, *sentences: str) -> tuple[dict[str, object], str]:
    repo.write("AGENTS.md", RULES.format(lines="\n".join(f"- {s}" for s in sentences)))
    repo.commit("layout")
    done = repo.cli("init")
    assert done.returncode == 0, done.stderr
    config = yaml.safe_load((repo.path / ".agent-guard.yaml").read_text())
    components = config["components"] or {}
    assert isinstance(components, dict)
    return components, done.stdout


def test_a_src_layout_is_imported_without_src(repo: GitRepo) -> None:
    repo.write("pyproject.toml", "[project]\nname = 'shop'\n")
    for path in ("src/shop/__init__.py", "src/shop/db/__init__.py", "src/shop/api/__init__.py"):
        repo.write(path, "")
    repo.write("src/shop/api/orders.py", "from shop.db import session\n")
    repo.write("tests/db/test_session.py", "def test_it() -> None: ...\n")
    repo.write("docs/api/conf.py", "project = 'shop'\n")
    components, out = _init(repo, "The API never talks to the DB directly.")
    assert components == {
        "api": {"paths": ["src/shop/api/**"], "modules": ["shop.api"]},
        "db": {"paths": ["src/shop/db/**"], "modules": ["shop.db"]},
    }
    assert "component api: src/shop/api/** -> shop.api (package named like 'API'" in out
    assert "component db: src/shop/db/** -> shop.db (package named like 'DB'" in out
    assert "  tests/" in out and "  docs/" in out  # the skipped folders, each with its reason


def test_a_django_project_maps_apps_not_templates_static_or_migrations(repo: GitRepo) -> None:
    repo.write("manage.py", "import sys\n")
    for app in ("hc", "hc/api", "hc/front", "hc/accounts"):
        repo.write(f"{app}/__init__.py", "")
    repo.write("hc/api/models.py", "from django.db import models\n")
    repo.write("hc/api/migrations/__init__.py", "")
    repo.write("hc/api/migrations/0001_initial.py", "from django.db import migrations\n")
    repo.write("hc/api/tests/__init__.py", "")
    repo.write("templates/front/welcome.html", "<p>hi</p>\n")
    repo.write("static/api/docs.js", "export {};\n")
    components, out = _init(
        repo,
        "The API never imports front.",
        "Accounts never talk to the API directly.",
        "Migrations never import accounts.",
    )
    assert components == {
        "api": {"paths": ["hc/api/**"], "modules": ["hc.api"]},
        "front": {"paths": ["hc/front/**"], "modules": ["hc.front"]},
        "accounts": {"paths": ["hc/accounts/**"], "modules": ["hc.accounts"]},
    }
    assert "component migrations: not found" in out
    assert "  skipped hc/api/migrations/ for migrations: database migrations" in out
    assert "  templates/               holds no Python\n" in out


def test_a_backend_app_next_to_a_js_frontend(repo: GitRepo) -> None:
    repo.write("backend/pyproject.toml", "[project]\nname = 'app'\n")
    repo.write("backend/app/__init__.py", "")
    repo.write("backend/app/models.py", "class Item: ...\n")
    repo.write("backend/app/crud.py", "from app.models import Item\n")
    repo.write("backend/app/core/__init__.py", "")
    repo.write("backend/app/core/db.py", "engine = None\n")
    repo.write("backend/app/api/__init__.py", "")
    repo.write("backend/app/api/routes/items.py", "from app import crud\n")  # no __init__
    repo.write("backend/app/alembic/env.py", "")
    repo.write("backend/app/alembic/versions/e2412789c190_initialize.py", "")
    repo.write("backend/tests/crud/test_item.py", "from app import crud\n")
    repo.write("frontend/package.json", "{}\n")
    repo.write("frontend/src/routes/items.tsx", "export {};\n")
    components, out = _init(
        repo,
        "Routes never import models directly.",
        "Crud never imports the API.",
        "The frontend never talks to the DB directly.",
    )
    assert components == {
        "routes": {"paths": ["backend/app/api/routes/**"], "modules": ["app.api.routes"]},
        "models": {"paths": ["backend/app/models.py"], "modules": ["app.models"]},
        "crud": {"paths": ["backend/app/crud.py"], "modules": ["app.crud"]},
        "api": {"paths": ["backend/app/api/**"], "modules": ["app.api"]},
        "db": {"paths": ["backend/app/core/db.py"], "modules": ["app.core.db"]},
    }
    assert "component routes: backend/app/api/routes/** -> app.api.routes (namespace package" in out
    assert "component frontend: not found" in out
    assert "  skipped frontend/ for frontend: holds no Python" in out
    text = (repo.path / ".agent-guard.yaml").read_text()
    assert "# TODO: the rules name 'frontend' (AGENTS.md:6) but no first-party package" in text


def test_a_container_folder_is_read_from_the_imports(repo: GitRepo) -> None:
    """`backend/` without a project file: its code imports `app`, so `app` is the package."""
    repo.write("backend/app/__init__.py", "")
    repo.write("backend/app/db/__init__.py", "")
    repo.write("backend/app/llm/__init__.py", "")
    repo.write("backend/app/llm/client.py", "from app.db import session\n")
    components, _ = _init(repo, "The LLM never talks to the DB directly.")
    assert components["db"] == {"paths": ["backend/app/db/**"], "modules": ["app.db"]}
    assert components["llm"] == {"paths": ["backend/app/llm/**"], "modules": ["app.llm"]}


def test_a_namespace_package_the_code_imports(repo: GitRepo) -> None:
    repo.write("pyproject.toml", "[project]\nname = 'svc'\n")
    repo.write("svc/handlers.py", "from svc.db import session\n")  # svc/ has no __init__
    repo.write("svc/db/__init__.py", "")
    repo.write("svc/llm/__init__.py", "")
    repo.write("scripts/seed.py", "print('seeding')\n")  # run, never imported
    components, out = _init(repo, "The LLM never talks to the DB directly.")
    assert components["db"] == {"paths": ["svc/db/**"], "modules": ["svc.db"]}
    assert "scripts/" in out and "nothing imports `scripts`" in out


@pytest.mark.parametrize(
    "where",
    [
        ".venv/lib/python3.12/site-packages/db/__init__.py",
        "venv/lib/python3.12/site-packages/db/__init__.py",
        "env/lib/db/__init__.py",
        "node_modules/db/index.py",
        ".tox/db/__init__.py",
        "tests/db/__init__.py",
        "docs/db/__init__.py",
        "examples/app/db/__init__.py",
        "migrations/db/__init__.py",
        "frontend/src/db/index.ts",
        "my-tools/db/notes.txt",
    ],
)
def test_never_a_folder_that_is_not_first_party_code(repo: GitRepo, where: str) -> None:
    if where.startswith("env/"):
        repo.write("env/pyvenv.cfg", "home = /usr/bin\n")
    repo.write(where, "")
    repo.write("app/__init__.py", "")
    repo.write("app/llm/__init__.py", "")
    components, out = _init(repo, "The LLM never talks to the DB directly.")
    assert "db" not in components, out
    assert "component db: not found" in out


def test_a_module_named_like_a_skipped_folder_is_not_guessed(repo: GitRepo) -> None:
    """CTFd's shape: a non-Python `themes/` folder and a `constants/themes.py` module."""
    repo.write("ctf/__init__.py", "")
    repo.write("ctf/themes/core/static/app.js", "export {};\n")
    repo.write("ctf/constants/__init__.py", "")
    repo.write("ctf/constants/themes.py", "DEFAULT = 'core'\n")
    repo.write("ctf/utils/__init__.py", "")
    components, out = _init(repo, "Themes never import utils.")
    assert list(components) == ["utils"]
    assert "  skipped ctf/themes/ for themes: holds no Python" in out


def test_init_lists_what_each_protected_pattern_matches(repo: GitRepo) -> None:
    repo.write("app/__init__.py", "")
    repo.write("app/models/__init__.py", "")
    repo.write("app/models/user.py", "class User: ...\n")
    repo.write(
        "AGENTS.md", "# Rules\n\n- You must escalate before modifying models.py or schemas.py.\n"
    )
    repo.commit("layout")
    done = repo.cli("init")
    assert done.returncode == 0, done.stderr
    assert "protected **/models.py: 2 files: app/models/__init__.py, app/models/user.py\n" in (
        done.stdout
    )
    assert "protected **/schemas.py: MATCHES NOTHING in this tree" in done.stdout


def test_a_module_matches_on_the_component_name_only(repo: GitRepo) -> None:
    """CTFd's shape: the models are the DB; `utils/exports/databases.py` is an export tool."""
    repo.write("ctf/__init__.py", "")
    repo.write("ctf/utils/__init__.py", "")
    repo.write("ctf/utils/exports/__init__.py", "")
    repo.write("ctf/utils/exports/databases.py", "")
    repo.write("ctf/llm/__init__.py", "")
    repo.write("ctf/core/__init__.py", "")
    repo.write("ctf/core/db.py", "engine = None\n")
    components, _ = _init(repo, "The LLM never talks to the DB directly.")
    assert components["db"] == {"paths": ["ctf/core/db.py"], "modules": ["ctf.core.db"]}
    repo.git("rm", "-q", "ctf/core/db.py")
    (repo.path / ".agent-guard.yaml").unlink()
    components, out = _init(repo, "The LLM never talks to the DB directly.")
    assert "db" not in components and "component db: not found" in out
