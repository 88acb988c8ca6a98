"""llm-writes: writes in the read-only component, found by the single AST walk."""

from __future__ import annotations

import textwrap

import pytest

from agent_guard.checks.python import check_class
from tests.architecture.support import make_policy, python_findings

COMPONENTS = {"llm": (["app/llm/**"], ["app.llm"]), "crud": (["app/crud/**"], ["app.crud"])}
POLICY = make_policy(
    ("llm-writes",),
    components=COMPONENTS,
    options={"llm-writes": {"components": ("llm",), "write_modules": ("app.crud",)}},
)
PATH = "app/llm/summarise.py"


def lines(source: str, path: str = PATH, policy: object = POLICY) -> list[int]:
    findings = python_findings(path, textwrap.dedent(source), policy)  # type: ignore[arg-type]
    return sorted(f.line for f in findings if f.check == "llm-writes")


def test_plugs_into_the_single_walker() -> None:
    assert check_class("llm-writes") is not None


@pytest.mark.parametrize(
    "call",
    [
        "session.add(row)",
        "session.add_all([row])",
        "db.delete(row)",
        "self.db.commit()",
        "db_session.flush()",
        "await async_session.merge(row)",
        "session.bulk_save_objects([row])",
        "conn.execute(text('INSERT INTO t VALUES (1)'))",
        "cursor.execute('  update t set a = 1')",
        "cursor.execute(f'DELETE FROM t WHERE id = {row}')",
        "session.execute(insert(User).values(name='x'))",
        "stmt = sa.update(User).where(User.id == 1)",
        "row.save()",
        "row.delete()",
        "User.objects.create(name='x')",
        "User.objects.filter(id=1).update(name='x')",
        "await User.create(name='x')",
        "session.query(User).filter(User.id == 1).delete()",
    ],
)
def test_writes_are_reported(call: str) -> None:
    source = f"""\
        import sqlalchemy as sa
        from sqlalchemy import insert, text

        async def summarise(session, db, db_session, async_session, conn, cursor, row, self):
            {call}
    """
    assert lines(source) == [5]


@pytest.mark.parametrize(
    "call",
    [
        "seen.add(row)",
        "options.update(row)",
        "client.delete('/items/1')",
        "session.execute(select(User))",
        "cursor.execute('SELECT * FROM t')",
        "session.get(User, 1)",
        "cache.set('k', row)",
    ],
)
def test_reads_and_lookalikes_are_not_reported(call: str) -> None:
    source = f"""\
        from sqlalchemy import select

        def summarise(session, seen, options, client, cursor, cache, row):
            {call}
    """
    assert lines(source) == []


def test_session_known_by_its_annotation() -> None:
    source = """\
        from sqlalchemy.orm import Session

        def store(s: Session, row) -> None:
            s.add(row)
    """
    assert lines(source) == [4]


def test_imports_of_the_write_layer() -> None:
    source = """\
        from typing import TYPE_CHECKING
        import app.crud.users
        from app import crud
        from ..crud import users as u
        from app.models import User
        if TYPE_CHECKING:
            from app.crud import Thing
    """
    assert lines(source) == [2, 3, 4]


def test_other_components_may_write() -> None:
    assert lines("def f(session, row):\n    session.add(row)\n", "app/crud/users.py") == []


def test_no_component_configured_means_nothing_to_check() -> None:
    policy = make_policy(("llm-writes",), components=COMPONENTS)
    assert lines("def f(session, row):\n    session.add(row)\n", PATH, policy) == []


def test_lists_are_options() -> None:
    policy = make_policy(
        ("llm-writes",),
        components=COMPONENTS,
        options={"llm-writes": {"components": "llm", "orm_methods": ("persist",)}},
    )
    source = "def f(row):\n    User.persist(row)\n    row.save()\n"
    assert lines(source, PATH, policy) == [2]


def test_message_names_the_component_and_the_rule_code() -> None:
    findings = python_findings(PATH, "def f(session, row):\n    session.commit()\n", POLICY)
    assert [f.code for f in findings] == ["AG202"]
    assert "`llm` must never write data" in findings[0].message
