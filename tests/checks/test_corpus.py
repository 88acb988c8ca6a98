"""Every corpus case reports exactly the (line, code) pairs its markers expect."""

from __future__ import annotations

import ast
from collections import Counter

import pytest

from agent_guard.checks.pysource import SourceError, decode, parse
from agent_guard.checks.python import check_python
from agent_guard.checks.registry import BY_SLUG
from agent_guard.checks.syntax_error import syntax_error_finding
from agent_guard.globs import compile_globs
from agent_guard.model import Finding, Rule, Severity
from agent_guard.policy.model import Binding, CheckSettings, Policy
from tests.checks.corpus_cases import CORPUS, Case, all_cases

CASES = all_cases()


def policy_for(case: Case) -> Policy:
    def severity(slug: str) -> Severity:
        return Severity(case.severity) if case.severity else BY_SLUG[slug].default_severity

    settings = {
        slug: CheckSettings(slug, severity(slug)) for slug in (*case.checks, "suppression-reason")
    }
    settings[case.slug] = CheckSettings(case.slug, severity(case.slug), options=case.options)
    return Policy(checks=settings, bindings=tuple(binding_of(case, b) for b in case.bindings))


def binding_of(case: Case, given: dict[str, object]) -> Binding:
    """A corpus case's `corpus-binding` as the compiler would bind it (a rule quoted)."""
    values = {key: value for key, value in given.items() if key != "severity"}
    scope = {key: tuple(values.pop(key, ())) for key in ("include", "exclude")}  # type: ignore[arg-type]
    severity = Severity(str(given.get("severity", BY_SLUG[case.slug].default_severity)))
    rule = Rule(case.id, 1, "", f"corpus rule for {case.id}", severity, (case.slug,))
    params = tuple(sorted((key, tuple(value)) for key, value in values.items()))  # type: ignore[call-overload]
    return Binding(rule, case.slug, severity, params,
                   compile_globs(scope["include"]), compile_globs(scope["exclude"]))  # fmt: skip


def run_case(case: Case) -> list[Finding]:
    """What the engine does with one file: decode, parse, walk (or the syntax-error finding)."""
    policy = policy_for(case)
    try:
        text = decode(case.file.read_bytes())
        tree = parse(text, case.path)
    except SourceError as error:
        settings = policy.checks.get("syntax-error")
        return [syntax_error_finding(case.path, error, settings)] if settings else []
    findings = check_python(case.path, text, tree, policy).findings
    from agent_guard.suppressions import find_suppressions, stage

    found = find_suppressions(text)
    marked = stage(findings, lambda _f: found, {case.path: found}, {}, policy, True)
    return [finding for finding in marked if not finding.suppressed]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case: Case) -> None:
    findings = run_case(case)
    found = {(finding.line, finding.code) for finding in findings}
    assert found == set(case.expected), "\n".join(
        f"{finding.line}:{finding.column} {finding.code} {finding.message}" for finding in findings
    )
    for finding in findings:
        assert finding.fix, "every finding carries a fix hint"
        if case.bindings and finding.check == case.slug:
            assert finding.rule is not None and finding.rule.file == case.id, "quotes its rule"
        assert finding.path == case.path
        assert finding.column >= 1


def test_every_check_has_ten_positive_and_ten_negative_cases() -> None:
    positive: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    for case in CASES:
        (positive if case.expected else negative)[case.slug] += 1
    directories = {
        path.name.replace("_", "-")
        for path in CORPUS.iterdir()
        if path.is_dir() and not path.name.startswith(".")
    }
    for slug in directories:
        assert positive[slug] >= 10, (slug, positive[slug])
        assert negative[slug] >= 10, (slug, negative[slug])
    python_checks = {slug for slug, info in BY_SLUG.items() if info.family == "python"}
    assert python_checks <= directories


def test_the_corpus_parses_where_it_should() -> None:
    for case in CASES:
        if case.slug != "syntax-error":
            ast.parse(case.text)
