"""Inline suppressions: parsing, which findings they name, and what the stage reports."""

from __future__ import annotations

from collections.abc import Mapping

from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy
from agent_guard.verdict.suppressions import Suppression, find_suppressions, mark, stage


def finding(line: int, check: str = "print-call", **kwargs: object) -> Finding:
    return Finding(check, "AG102", Severity.ERROR, "a.py", line, 1, "m", "f", **kwargs)  # type: ignore[arg-type]


def index_of(text: str, *, python: bool = True) -> object:
    found = find_suppressions(text, python=python)

    def index(_finding: Finding) -> Mapping[int, Suppression]:
        return found

    return index


def test_find_parses_names_codes_reasons_and_columns() -> None:
    text = "x = 1\nprint(x)  # agent-guard: ignore[print-call, AG103] CLI output\n"
    (suppression,) = find_suppressions(text).values()
    assert suppression.line == 2
    assert suppression.column == 11
    assert suppression.checks == {"print-call", "broad-except"}
    assert suppression.reason == "CLI output"
    assert suppression.has_reason


def test_text_without_the_marker_is_not_scanned() -> None:
    assert find_suppressions("print(1)  # noqa\n") == {}


def test_a_docstring_that_shows_a_suppression_is_not_one() -> None:
    text = '"""Write `# agent-guard: ignore[print-call] why` to accept one line."""\n'
    assert find_suppressions(text) == {}
    assert set(find_suppressions(text, python=False)) == {1}  # other files: the line counts


def test_secret_spellings_are_suppressions_of_the_secret_check() -> None:
    text = (
        'TOKEN = "abc"  # agent-guard: allow-secret documented test key\n'
        "# pragma: allowlist nextline secret\n"
        'OTHER = "def"\n'
        'THIRD = "ghi"  // pragma: allowlist secret\n'
    )
    found = find_suppressions(text, python=False)
    assert sorted(found) == [1, 3, 4]
    assert found[1].checks == {"secret"} and found[1].reason == "documented test key"
    assert found[3].written_at == 2 and not found[3].has_reason
    assert found[4].checks == {"secret"}


def test_a_function_level_finding_is_suppressed_on_its_first_scope_line() -> None:
    text = "@decorator  # agent-guard: ignore[print-call] generated\ndef f(): ...\n"
    index = index_of(text)
    (scoped,) = mark([finding(2, scope=(1, 2))], index)  # type: ignore[arg-type]
    assert scoped.suppressed and scoped.suppression is not None
    assert scoped.suppression.reason == "generated"
    (plain,) = mark([finding(2)], index)  # type: ignore[arg-type]
    assert not plain.suppressed


def test_suppressed_findings_are_kept_not_dropped() -> None:
    text = "print(1)  # agent-guard: ignore[print-call] demo output\n"
    (kept,) = mark([finding(1)], index_of(text))  # type: ignore[arg-type]
    assert kept.suppressed and kept.line == 1


def test_escalate_findings_are_never_suppressed_inline() -> None:
    text = "x = 1  # agent-guard: ignore[print-call] please\n"
    escalated = Finding("print-call", "AG102", Severity.ESCALATE, "a.py", 1, 1, "m", "f")
    (marked,) = mark([escalated], index_of(text))  # type: ignore[arg-type]
    assert marked.suppression is not None and not marked.suppression.honoured
    assert not marked.suppressed


def enabled_policy(*slugs: str) -> Policy:
    return Policy(checks={slug: CheckSettings(slug, Severity.WARNING) for slug in slugs})


def test_missing_reason_is_reported_only_when_the_check_is_enabled() -> None:
    text = "x = 1  # agent-guard: ignore[print-call]\n"
    walked = {"a.py": find_suppressions(text)}
    added = {"a.py": frozenset({1})}
    quiet = stage([finding(1)], index_of(text), walked, added, Policy(), False)  # type: ignore[arg-type]
    assert [f.check for f in quiet] == ["print-call"]
    policy = enabled_policy("suppression-reason", "print-call")
    reported = stage([finding(1)], index_of(text), walked, added, policy, False)  # type: ignore[arg-type]
    (problem,) = [f for f in reported if f.check == "suppression-reason"]
    assert (problem.code, problem.line, problem.column) == ("AG109", 1, 8)


def test_a_suppression_that_matches_nothing_is_reported_on_added_lines_only() -> None:
    text = "x = 1  # agent-guard: ignore[print-call] no print here\n"
    walked = {"a.py": find_suppressions(text)}
    policy = enabled_policy("suppression-reason", "print-call")
    added = {"a.py": frozenset({1})}
    reported = stage([], index_of(text), walked, added, policy, False)  # type: ignore[arg-type]
    assert [f.message for f in reported] == [
        "the suppression of print-call matches no finding on its line"
    ]
    old = {"a.py": frozenset[int]()}
    assert stage([], index_of(text), walked, old, policy, False) == []  # type: ignore[arg-type]


def test_an_unused_suppression_of_a_check_that_is_off_is_not_reported() -> None:
    text = "x = 1  # agent-guard: ignore[boundary] legacy import\n"
    walked = {"a.py": find_suppressions(text)}
    policy = enabled_policy("suppression-reason")
    added = {"a.py": frozenset({1})}
    assert stage([], index_of(text), walked, added, policy, False) == []  # type: ignore[arg-type]
