"""Inline suppressions: parsing, which findings they cover, and what they never cover."""

from __future__ import annotations

from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy
from agent_guard.suppressions import apply_suppressions, find_suppressions


def finding(line: int, check: str = "print-call", **kwargs: object) -> Finding:
    return Finding(check, "AG102", Severity.ERROR, "a.py", line, 1, "m", "f", **kwargs)  # type: ignore[arg-type]


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


def test_a_function_level_finding_is_suppressed_on_its_first_scope_line() -> None:
    text = "@decorator  # agent-guard: ignore[print-call] generated\ndef f(): ...\n"
    scoped = finding(2, scope=(1, 2))
    assert apply_suppressions([scoped], text, "a.py", Policy()) == []
    assert apply_suppressions([finding(2)], text, "a.py", Policy()) == [finding(2)]


def test_escalate_findings_are_never_suppressed_inline() -> None:
    text = "x = 1  # agent-guard: ignore[print-call] please\n"
    escalated = Finding("print-call", "AG102", Severity.ESCALATE, "a.py", 1, 1, "m", "f")
    assert apply_suppressions([escalated], text, "a.py", Policy()) == [escalated]


def test_missing_reason_is_reported_only_when_the_check_is_enabled() -> None:
    text = "x = 1  # agent-guard: ignore[print-call]\n"
    assert apply_suppressions([finding(1)], text, "a.py", Policy()) == []
    enabled = Policy(
        checks={"suppression-reason": CheckSettings("suppression-reason", Severity.WARNING)}
    )
    (reported,) = apply_suppressions([finding(1)], text, "a.py", enabled)
    assert (reported.code, reported.line, reported.column) == ("AG109", 1, 8)
