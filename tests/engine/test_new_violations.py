"""New violations only: a code finding counts when the change creates it, not when the change
only touches or moves code that already had it (issue 15, point 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings
from tests.conftest import GitRepo
from tests.engine.helpers import judge, make_policy

POLICY = make_policy(
    checks={
        slug: CheckSettings(slug, Severity.ERROR)
        for slug in ("missing-annotation", "print-call", "broad-except", "logic-in-route")
    }
)


def _base(repo: GitRepo, text: str) -> None:
    repo.write("app/service.py", text)
    repo.commit("legacy")


def _change(repo: GitRepo, text: str) -> list[tuple[str, int]]:
    repo.write("app/service.py", text)
    repo.add("app/service.py")
    return [(f.check, f.line) for f in judge(repo, policy=POLICY).findings]


def test_touching_a_signature_with_an_old_gap_is_quiet(repo: GitRepo) -> None:
    _base(repo, "def total(values, start=0):\n    return sum(values) + start\n")
    assert _change(repo, "def total(values, start=1):\n    return sum(values) + start\n") == []


def test_a_new_gap_in_a_touched_signature_is_reported(repo: GitRepo) -> None:
    _base(repo, "def total(values: list[int]) -> int:\n    return sum(values)\n")
    assert _change(repo, "def total(values: list[int], start) -> int:\n    return 1\n") == [
        ("missing-annotation", 1)
    ]


def test_moving_and_reformatting_old_code_is_quiet(repo: GitRepo) -> None:
    _base(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n")
    moved = (
        "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
        "def other() -> None:\n    log.info('x')\n\n\n"
        "def show(rows: list[str]) -> None:\n    print( rows )  # still here\n"
    )
    assert _change(repo, moved) == []


def test_a_second_copy_of_an_old_finding_is_new(repo: GitRepo) -> None:
    _base(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n")
    doubled = "def show(rows: list[str]) -> None:\n    print(rows)\n    print(rows)\n"
    assert _change(repo, doubled) == [("print-call", 3)]


def test_the_same_code_in_another_function_is_new(repo: GitRepo) -> None:
    _base(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n")
    other = (
        "def show(rows: list[str]) -> None:\n    print(rows)\n\n\n"
        "def dump(rows: list[str]) -> None:\n    print(rows)\n"
    )
    assert _change(repo, other) == [("print-call", 6)]


def test_a_new_file_reports_everything_and_a_broken_old_version_hides_nothing(
    repo: GitRepo,
) -> None:
    _base(repo, "def show(rows:\n")  # did not parse
    assert _change(repo, "def show(rows: list[str]) -> None:\n    print(rows)\n") == [
        ("print-call", 2)
    ]
    repo.write("app/new.py", "def f(x):\n    return x\n")
    repo.add("app/new.py")
    found = [(f.check, f.path) for f in judge(repo, policy=POLICY).findings]
    assert ("missing-annotation", "app/new.py") in found


# Each gap of a signature is old or new on its own (the replays: a typing clean-up that
# annotated some parameters, a parameter added with its type, `async` dropped).


def test_annotating_one_old_gap_leaves_the_others_quiet(repo: GitRepo) -> None:
    _base(repo, "class Client:\n    def send(self, session, request):\n        return 1\n")
    partly = (
        "class Client:\n    def send(self, session: object, request) -> int:\n        return 1\n"
    )
    assert _change(repo, partly) == []


def test_an_annotated_parameter_added_next_to_an_old_gap_is_quiet(repo: GitRepo) -> None:
    _base(repo, "def update(user, email: str) -> None:\n    pass\n")
    added = "def update(user, email: str, home: str | None = None) -> None:\n    pass\n"
    assert _change(repo, added) == []


def test_async_dropped_from_a_signature_with_an_old_gap_is_quiet(repo: GitRepo) -> None:
    _base(repo, "async def token(form: dict):\n    return form\n")
    assert _change(repo, "def token(form: dict):\n    return form\n") == []


def test_an_unannotated_parameter_added_to_an_old_gap_is_new(repo: GitRepo) -> None:
    _base(repo, "def permissions(user, admin=False):\n    return admin\n")
    added = "def permissions(user, admin=False, household=False):\n    return admin\n"
    assert _change(repo, added) == [("missing-annotation", 1)]


ROUTE = """\
from fastapi import APIRouter

from app import store

router = APIRouter()


@router.post("/captcha")
def captcha(body: dict) -> dict:
    if body:
        if body.get("token"):
            store.check(body)
    for key in body:
        store.touch(key)
    return {}
"""


def test_a_route_whose_reasons_only_change_order_is_quiet(repo: GitRepo) -> None:
    _base(repo, ROUTE)
    reordered = ROUTE.replace(
        '    if body:\n        if body.get("token"):\n            store.check(body)\n', ""
    ).replace(
        "    return {}\n",
        '    if body:\n        if body.get("x"):\n            pass\n    return {}\n',
    )
    assert _change(repo, reordered) == []


def test_a_new_loop_in_an_old_route_is_new(repo: GitRepo) -> None:
    _base(repo, ROUTE)
    looped = ROUTE.replace(
        "    return {}\n", "    while body:\n        body.popitem()\n    return {}\n"
    )
    assert _change(repo, looped) == [("logic-in-route", 9)]


# Code moved to another module, often renamed on the way (the replays: one commit moved a
# package's routes from `group` to `household` names).

OLD_ROUTES = """\
class GroupRoutes:
    def group_repos(self):
        return self.repos

    def all_group_members(self, query: str):
        return self.repos.members(query)
"""


def _move(repo: GitRepo, new_path: str, text: str, *, delete: bool = True) -> list[tuple[str, str]]:
    repo.write("app/groups.py", OLD_ROUTES)
    repo.commit("legacy routes")
    if delete:
        repo.git("rm", "-q", "app/groups.py")
    repo.write(new_path, text)
    repo.add(new_path)
    return [(f.check, f.path) for f in judge(repo, policy=POLICY).findings]


def test_code_moved_to_another_module_under_renamed_names_is_quiet(repo: GitRepo) -> None:
    moved = OLD_ROUTES.replace("Group", "Household").replace("group", "household")
    assert _move(repo, "app/households/routes.py", moved) == []


def test_a_new_gap_in_moved_code_is_still_new(repo: GitRepo) -> None:
    moved = OLD_ROUTES.replace("Group", "Household").replace("group", "household")
    moved += "\n    def invite(self, email):\n        return email\n"
    assert _move(repo, "app/households/routes.py", moved) == [
        ("missing-annotation", "app/households/routes.py")
    ]


def test_a_copy_that_leaves_the_original_in_place_is_new(repo: GitRepo) -> None:
    copied = OLD_ROUTES.replace("Group", "Household").replace("group", "household")
    found = _move(repo, "app/households/routes.py", copied, delete=False)
    assert found == [("missing-annotation", "app/households/routes.py")] * 2


def test_one_renamed_function_alone_is_not_taken_for_a_move(repo: GitRepo) -> None:
    # a single word swap could pair any two functions: a rename needs two names to agree
    other = "def all_team_members(query: str):\n    return query\n"
    repo.write("app/groups.py", "def all_group_members(query: str):\n    return query\n")
    repo.commit("legacy")
    repo.git("rm", "-q", "app/groups.py")
    repo.write("app/teams.py", other)
    repo.add("app/teams.py")
    assert [(f.check, f.line) for f in judge(repo, policy=POLICY).findings] == [
        ("missing-annotation", 1)
    ]


# A definition renamed in place (the replays: a property `recipes_repo` became
# `group_recipes` between the same neighbours, a view `add_x` became `x_form`).

CONTROLLER = """\
class Timeline:
    def service(self) -> int:
        return 1

    def recipes_repo(self):
        return self.repos.recipes

    def events(self, query):
        return query
"""


def test_a_definition_renamed_in_place_keeps_its_old_gaps(repo: GitRepo) -> None:
    _base(repo, CONTROLLER)
    renamed = CONTROLLER.replace(
        "def recipes_repo(self):\n        return self.repos.recipes",
        "def group_recipes(self):\n        return self.repos.for_group().recipes",
    )
    assert _change(repo, renamed) == []


def test_a_definition_renamed_in_place_with_a_new_gap_is_new(repo: GitRepo) -> None:
    _base(repo, CONTROLLER)
    renamed = CONTROLLER.replace("def recipes_repo(self):", "def group_recipes(self, group):")
    assert _change(repo, renamed) == [("missing-annotation", 5)]


def test_a_definition_added_next_to_the_old_ones_is_new(repo: GitRepo) -> None:
    _base(repo, CONTROLLER)
    added = CONTROLLER.replace(
        "    def events(", "    def group_recipes(self):\n        return 2\n\n    def events("
    )
    assert _change(repo, added) == [("missing-annotation", 8)]


# Only a file that lost the code can be where it moved from: a finding that went away from
# another file by an addition (the handler there now logs) was fixed, not moved.

HANDLER = """\
def load(path: str) -> str:
    try:
        return open(path).read()
    except Exception:
        return ""
"""


def test_a_finding_fixed_elsewhere_by_an_addition_is_not_taken_for_a_move(repo: GitRepo) -> None:
    repo.write(
        "app/files.py", "import logging\n\nlog = logging.getLogger(__name__)\n\n\n" + HANDLER
    )
    repo.commit("legacy")
    fixed = HANDLER.replace(
        '        return ""', '        log.warning("cannot read %s", path)\n        return ""'
    )
    repo.write("app/files.py", "import logging\n\nlog = logging.getLogger(__name__)\n\n\n" + fixed)
    repo.write("app/cache.py", HANDLER)
    repo.add()
    found = [(f.check, f.path) for f in judge(repo, policy=POLICY).findings]
    assert found == [("broad-except", "app/cache.py")]


def test_the_same_handler_moved_to_another_module_is_quiet(repo: GitRepo) -> None:
    repo.write("app/files.py", "import os\n\n\n" + HANDLER)
    repo.commit("legacy")
    repo.write("app/files.py", "import os\n")
    repo.write("app/cache.py", HANDLER)
    repo.add()
    assert judge(repo, policy=POLICY).findings == ()


# A fix and a new violation in the same commit: the fix must not lend its place to the new
# code (a rename pairs definitions only where the other version has neither name), and a
# finding fixed in place is not one that moved.


def test_fixing_one_function_and_adding_another_reports_the_new_one(repo: GitRepo) -> None:
    _base(repo, "def parse(data):\n    return data\n")
    fixed = (
        "def parse(data: str) -> str:\n    return data\n\n\nX = 1\n\n\ndef fresh():\n    return 2\n"
    )
    assert _change(repo, fixed) == [("missing-annotation", 8)]


def test_replacing_a_function_with_an_unrelated_one_reports_its_gaps(repo: GitRepo) -> None:
    _base(repo, "def parse(data):\n    return data\n\n\nY = 2\n")
    assert _change(repo, "Y = 2\n\n\ndef unrelated(n):\n    return n\n") == [
        ("missing-annotation", 4)
    ]


ONE_ROUTE = """\
from fastapi import APIRouter

from app import store

router = APIRouter()


@router.post("/a")
def a(body: dict) -> dict:
{body}    return {{}}
"""


def test_a_route_fixed_and_a_new_route_with_a_loop_reports_the_new_one(repo: GitRepo) -> None:
    loop = "    for key in body:\n        store.touch(key)\n"
    _base(repo, ONE_ROUTE.format(body=loop))
    added = ONE_ROUTE.format(body="    store.touch_all(body)\n") + (
        '\n\n@router.post("/b")\ndef b(body: dict) -> dict:\n'
        "    for key in body:\n        store.delete(key)\n    return {}\n"
    )
    assert [check for check, _ in _change(repo, added)] == ["logic-in-route"]


HANDLER_IN = """\
def {name}(p: str) -> str:
    try:
        return p.upper()
    except {kind}:
        return ""
"""


def test_a_handler_narrowed_in_one_file_does_not_excuse_a_new_one(repo: GitRepo) -> None:
    repo.write("app/a.py", HANDLER_IN.format(name="load", kind="Exception"))
    repo.commit("legacy")
    repo.write("app/a.py", HANDLER_IN.format(name="load", kind="ValueError"))
    repo.write("app/b.py", HANDLER_IN.format(name="other", kind="Exception"))
    repo.add()
    assert [(f.check, f.path) for f in judge(repo, policy=POLICY).findings] == [
        ("broad-except", "app/b.py")
    ]


def test_an_init_annotated_in_one_class_does_not_excuse_a_new_one(repo: GitRepo) -> None:
    repo.write("app/a.py", "class A:\n    def __init__(self, client):\n        self.c = client\n")
    repo.commit("legacy")
    annotated = (
        "class A:\n    def __init__(self, client: object) -> None:\n        self.c = client\n"
    )
    repo.write("app/a.py", annotated)
    repo.write("app/b.py", "class B:\n    def __init__(self, client):\n        self.c = client\n")
    repo.add()
    assert [(f.check, f.path) for f in judge(repo, policy=POLICY).findings] == [
        ("missing-annotation", "app/b.py")
    ]


# The decision is kept across runs, keyed by the change's blobs and findings: a retried
# commit reads it, a different change computes its own.


def test_the_decision_is_read_back_for_the_same_change_and_only_for_it(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent_guard.engine import new_only

    policy = POLICY._replace(fingerprint="policy-under-test")  # a fingerprint: a store
    _base(repo, "def total(values, start=0):\n    return sum(values) + start\n")
    touched = "def total(values, start=1):\n    print(values)\n    return sum(values) + start\n"
    repo.write("app/service.py", touched)
    repo.add("app/service.py")
    cold = judge(repo, policy=policy, cache_dir=tmp_path / "cache").findings
    assert [(f.check, f.line) for f in cold] == [("print-call", 2)]  # the old gap is quiet

    def decided_again(*args: object) -> set[int]:
        raise AssertionError("the stored decision was not used")

    monkeypatch.setattr(new_only, "_dropped", decided_again)
    assert judge(repo, policy=policy, cache_dir=tmp_path / "cache").findings == cold
    repo.write("app/service.py", touched.replace("start=1", "start=2"))  # another blob
    repo.add("app/service.py")
    with pytest.raises(AssertionError, match="stored decision"):
        judge(repo, policy=policy, cache_dir=tmp_path / "cache")
