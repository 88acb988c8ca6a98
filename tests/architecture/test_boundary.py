"""boundary: direct and indirect reach across a forbidden component boundary, on real repos."""

from __future__ import annotations

import pytest

from tests.architecture.support import located, make_policy, run
from tests.conftest import GitRepo

COMPONENTS = {
    "whatsapp": (["app/whatsapp/**"], ["app.whatsapp"]),
    "db": (["app/db/**"], ["app.db", "sqlalchemy"]),
}
POLICY = make_policy(("boundary",), components=COMPONENTS, boundaries=[("whatsapp", "db")])
HANDLER = "app/whatsapp/handler.py"


def base(repo: GitRepo, prefix: str = "", *, inits: bool = True) -> None:
    files = {
        "app/db/session.py": "SessionLocal = object()\n",
        "app/services/orders.py": "import logging\n",
        "app/services/texts.py": "def greeting() -> str:\n    return 'hi'\n",
        HANDLER: "import logging\n",
    }
    if inits:
        for package in ("app", "app/db", "app/services", "app/whatsapp"):
            files[f"{package}/__init__.py"] = ""
    for path, text in files.items():
        repo.write(prefix + path, text)
    repo.commit("base")


def change(repo: GitRepo, text: str, path: str = HANDLER) -> None:
    repo.write(path, text)
    repo.commit("change")


@pytest.mark.parametrize(
    "source",
    [
        "from app.db.session import SessionLocal\n",
        "from ..db.session import SessionLocal\n",
        "from .. import db\n",
        "from ..db import session as s\n",
        "import app.db.session as store\n",
        "import sqlalchemy.orm\n",
        "from sqlalchemy import select\n",
    ],
)
def test_direct_import_across_the_boundary(repo: GitRepo, source: str) -> None:
    base(repo)
    change(repo, "import logging\n" + source)
    findings = run(repo, POLICY)
    assert located(findings, "boundary") == [(HANDLER, 2)]
    assert findings[0].code == "AG201"
    assert "whatsapp -> db" in findings[0].message


def test_function_level_import_counts_but_type_checking_does_not(repo: GitRepo) -> None:
    base(repo)
    change(
        repo,
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from app.db.session import SessionLocal\n"
        "def handle() -> None:\n"
        "    from app.db import session\n",
    )
    assert located(run(repo, POLICY), "boundary") == [(HANDLER, 5)]


def test_only_added_lines_are_reported(repo: GitRepo) -> None:
    base(repo)
    change(repo, "from app.db.session import SessionLocal\n")
    change(repo, "from app.db.session import SessionLocal\nimport json\n")
    assert run(repo, POLICY) == []


def test_files_outside_the_source_component_may_import_the_target(repo: GitRepo) -> None:
    base(repo)
    change(repo, "from app.db.session import SessionLocal\n", "app/services/orders.py")
    assert run(repo, POLICY) == []


def test_indirect_chain_through_first_party_modules(repo: GitRepo) -> None:
    base(repo)
    repo.write(
        "app/services/orders.py", "import logging\nfrom app.db.session import SessionLocal\n"
    )
    repo.write("app/services/__init__.py", "from app.services.orders import *\n")
    repo.commit("services use the db")
    change(repo, "import json\nfrom app.services import texts\nfrom app import services\n")
    findings = run(repo, POLICY)
    assert located(findings, "boundary") == [(HANDLER, 3)]
    chain = dict(findings[0].extra)["chain"]
    assert chain == (
        "app.whatsapp.handler -> app.services (app/whatsapp/handler.py:3)"
        " -> app.services.orders (app/services/__init__.py:1)"
        " -> app.db.session (app/services/orders.py:2)"
    )
    assert "indirectly" in findings[0].message


def test_indirect_reach_of_an_external_target_module(repo: GitRepo) -> None:
    base(repo)
    repo.write("app/services/orders.py", "def f():\n    import sqlalchemy\n")
    repo.commit("services use sqlalchemy")
    change(repo, "from ..services.orders import f\n")
    findings = run(repo, POLICY)
    assert located(findings, "boundary") == [(HANDLER, 1)]
    assert "sqlalchemy (app/services/orders.py:2)" in dict(findings[0].extra)["chain"]


def test_indirect_false_reports_direct_imports_only(repo: GitRepo) -> None:
    base(repo)
    repo.write("app/services/orders.py", "from app.db.session import SessionLocal\n")
    repo.commit("services use the db")
    change(repo, "from app.services import orders\nfrom app.db import session\n")
    policy = make_policy(
        ("boundary",), components=COMPONENTS, boundaries=[("whatsapp", "db", False)]
    )
    assert located(run(repo, policy), "boundary") == [(HANDLER, 2)]


def test_type_checking_links_do_not_make_a_chain(repo: GitRepo) -> None:
    base(repo)
    repo.write(
        "app/services/orders.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from app.db import session\n",
    )
    repo.commit("type hints only")
    change(repo, "from app.services import orders\n")
    assert run(repo, POLICY) == []


def test_src_layout(repo: GitRepo) -> None:
    base(repo, "src/")
    components = {
        "whatsapp": (["src/app/whatsapp/**"], ["app.whatsapp"]),
        "db": (["src/app/db/**"], []),  # by file only: the module must map to src/app/db
    }
    policy = make_policy(("boundary",), components=components, boundaries=[("whatsapp", "db")])
    repo.write("src/app/services/orders.py", "from app.db import session\n")
    repo.commit("services use the db")
    change(repo, "from app.services.orders import *\n", "src/" + HANDLER)
    findings = run(repo, policy)
    assert located(findings, "boundary") == [("src/" + HANDLER, 1)]
    assert "app.db.session (src/app/services/orders.py:1)" in dict(findings[0].extra)["chain"]


def test_namespace_packages_without_init_files(repo: GitRepo) -> None:
    base(repo, inits=False)
    repo.write("app/services/orders.py", "from app.db.session import SessionLocal\n")
    repo.commit("services use the db")
    change(repo, "from ..services import orders\n")
    findings = run(repo, POLICY)
    assert located(findings, "boundary") == [(HANDLER, 1)]


def test_component_modules_that_do_not_exist_yet(repo: GitRepo) -> None:
    base(repo)
    change(repo, "from app.db.future_models import Thing\n")
    assert located(run(repo, POLICY), "boundary") == [(HANDLER, 1)]


def test_staged_change_reads_the_index(repo: GitRepo) -> None:
    base(repo)
    repo.write("app/services/orders.py", "from app.db import session\n")
    repo.write(HANDLER, "from app.services import orders\n")
    repo.add()
    findings = run(repo, POLICY, None)
    assert located(findings, "boundary") == [(HANDLER, 1)]
