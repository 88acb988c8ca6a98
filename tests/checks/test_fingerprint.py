"""Findings the change creates, by fingerprint against the file's old version."""

from __future__ import annotations

import ast

from agent_guard.checks.fingerprint import fingerprint, new_findings
from agent_guard.checks.python import check_python
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy

POLICY = Policy(
    checks={
        slug: CheckSettings(slug, Severity.WARNING)
        for slug in ("missing-annotation", "print-call", "logic-in-route", "broad-except")
    }
)


def findings(text: str) -> tuple[list[Finding], list[str], ast.Module]:
    tree = ast.parse(text)
    return check_python("app/service.py", text, tree, POLICY).findings, text.splitlines(), tree


def created(old: str, new: str) -> list[tuple[str, int]]:
    before, after = findings(old), findings(new)
    return [(f.check, f.line) for f in new_findings(*after, *before)]


OLD = """\
def total(items):
    return sum(items)


class Report:
    def render(self, rows):
        print("rendering")
        return rows
"""


def test_an_old_gap_in_a_touched_signature_is_quiet() -> None:
    touched = OLD.replace("def total(items):", "def total(items, /):")
    assert created(OLD, touched) == []


def test_a_new_gap_in_a_touched_signature_is_new() -> None:
    touched = OLD.replace("def total(items):", "def total(items: list[int], start):")
    assert created(OLD, touched) == [("missing-annotation", 1)]


def test_moved_and_reformatted_code_is_quiet() -> None:
    moved = (
        "import os\n\n\nclass Report:\n    def render(self, rows):\n"
        "        print('rendering')  # reformatted\n        return rows\n\n\n"
        "def total(\n    items,\n):\n    return sum(items)\n"
    )
    assert created(OLD, moved) == []


def test_the_same_code_in_another_function_is_new() -> None:
    added = OLD + '\n\ndef export(rows):\n    print("rendering")\n    return rows\n'
    assert sorted(created(OLD, added)) == [("missing-annotation", 11), ("print-call", 12)]


def test_a_duplicate_in_the_same_function_counts() -> None:
    doubled = OLD.replace('        print("rendering")\n', '        print("rendering")\n' * 2)
    assert created(OLD, doubled) == [("print-call", 8)]


def test_a_second_loop_in_a_route_is_new_a_moved_one_is_not() -> None:
    route = (
        "from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        '@router.get("/items")\ndef items(store) -> list[int]:\n'
        "    for item in store:\n        item.touch()\n    return []\n"
    )
    shifted = route.replace("router = APIRouter()\n", "router = APIRouter()\nLIMIT = 3\n")
    assert created(route, shifted) == []
    second = route.replace(
        "    return []\n", "    while store:\n        store.pop()\n    return []\n"
    )
    assert created(route, second) == [("logic-in-route", 7)]


def test_a_fingerprint_without_a_tree_uses_the_line() -> None:
    finding = Finding("print-call", "AG102", Severity.ERROR, "a.py", 1, 1, "m", "f")
    assert fingerprint(finding, ["print( 1 )  # x"], None) == fingerprint(
        finding, ["print( 1 )"], None
    )


def test_select_new_works_on_stored_fingerprints() -> None:
    from agent_guard.checks.fingerprint import select_new

    one = Finding("print-call", "AG102", Severity.ERROR, "a.py", 3, 5, "m", "f")
    two = Finding("print-call", "AG102", Severity.ERROR, "a.py", 4, 5, "m", "f")
    assert select_new([(one, "k"), (two, "k")], ["k"]) == [two]
    assert select_new([(one, "k")], []) == [one]


def test_each_gap_of_a_signature_is_judged_on_its_own() -> None:
    old = "def update(self_, full_name, email, session=None, **kwargs):\n    return 1\n"
    fewer = "def update(self_, full_name, email, session: object = None, **kwargs):\n    return 1\n"
    assert created(old, fewer) == []
    more = "def update(self_, full_name, email, household, session=None, **kwargs):\n    return 1\n"
    assert created(old, more) == [("missing-annotation", 1)]


def test_a_finding_with_parts_has_one_key_per_part() -> None:
    found, lines, tree = findings("def f(a, b):\n    return a\n")
    assert len(fingerprint(found[0], lines, tree).split()) == 3  # `a`, `b`, the return type


def test_move_sources_keeps_only_files_that_lost_the_line_or_a_definition() -> None:
    from agent_guard.checks.fingerprint import move_sources

    def finding(check: str, code: str, source: str) -> Finding:
        return Finding(check, code, Severity.ERROR, "app/a.py", 1, 1, "msg", "fix", source=source)

    printed = finding("print-call", "AG101", "print( rows )")
    defined = finding("missing-annotation", "AG106", "def show(rows):")
    old = b"def show(rows):\n    print(rows)\n"
    candidates = [
        ("lost the line", old, b"def show(rows):\n    pass\n"),
        ("only gained lines", old, old + b"x = 1\n"),
        ("deleted", old, b""),
        ("unreadable", None, b""),
    ]
    kept = [name for name, _, _ in move_sources([printed], candidates)]
    assert kept == ["lost the line", "deleted", "unreadable"]
    renamed = [
        ("renamed a definition", old, b"def display(rows):\n    print(rows)\n"),
        *candidates[1:2],
    ]
    assert [name for name, _, _ in move_sources([defined], renamed)] == ["renamed a definition"]


RENAMED_TWO_WAYS = """\
import sys
from agent_guard.checks.fingerprint import not_moved
from agent_guard.model import Finding, Severity


def defined(name: str) -> Finding:
    source = f"def {name}(rows):"
    return Finding("missing-annotation", "AG106", Severity.WARNING, "app/a.py", 1, 1,
                   "`rows` is missing annotations", "fix", source=source)


# `get` became `fetch` in two names and `load` in two others: one rename wins, in every run.
gone = [defined(n) for n in ("get_user_row", "get_team_row", "get_user_col", "get_team_col")]
new = [defined(n) for n in ("load_user_row", "load_team_row", "fetch_user_col", "fetch_team_col")]
print(" ".join(sorted((f.source or "").split("(")[0] for f in not_moved(new, gone))))
"""


def test_a_word_renamed_two_ways_is_paired_the_same_way_whatever_the_hash_seed() -> None:
    """String sets iterate in a per-process order: the pick between two equally supported
    renames must not depend on it, or one push gets two verdicts."""
    import os
    import subprocess
    import sys

    answers = set()
    for seed in ("0", "1", "2", "3", "4", "5"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", RENAMED_TWO_WAYS],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
        answers.add(done.stdout.strip())
    assert answers == {"def load_team_row def load_user_row"}  # `fetch` sorts first: it wins


def test_a_finding_deep_in_a_long_class_body_keeps_its_enclosing_name() -> None:
    """A long body is bisected to the statement that holds the finding: the fingerprint
    still names `Report.method_9`, so reordering the class is not a new finding."""
    methods = [f"    def method_{n}(self) -> None:\n        pass\n" for n in range(12)]
    methods[9] = "    def method_9(self) -> None:\n        if self:\n            print(self)\n"
    old = "class Report:\n" + "".join(methods)
    new = "class Report:\n" + methods[9] + "".join(m for n, m in enumerate(methods) if n != 9)
    assert created(old, new) == []
    renamed = new.replace("def method_9", "def method_x")
    assert created(old, renamed) == [("print-call", 4)]  # another name: another function
