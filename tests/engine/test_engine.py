"""The engine's own behaviour: the changed-line filter, sources, caching, other checks."""

from __future__ import annotations

from agent_guard.changes.model import ChangedFile, Status
from agent_guard.engine import _line_filter
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings
from agent_guard.verdict import decide
from tests.conftest import GitRepo
from tests.engine.helpers import judge, make_policy


def _finding(check: str, line: int, scope: tuple[int, int] | None = None) -> Finding:
    return Finding(check, "AG000", Severity.ERROR, "a.py", line, 1, "m", "f", scope=scope)


def test_line_filter_keeps_changed_lines_and_scopes() -> None:
    file = ChangedFile("a.py", Status.MODIFIED, added_lines=frozenset({5, 9}))
    findings = [
        _finding("print-call", 5),
        _finding("print-call", 6),
        _finding("missing-annotation", 2, scope=(2, 8)),  # body line 5 changed
        _finding("missing-annotation", 20, scope=(20, 30)),
        _finding("protected-file", 1),  # path checks are about the change itself
        _finding("syntax-error", 40)._replace(file_level=True),
    ]
    kept = _line_filter(findings, [file], all_lines=False)
    assert [(f.check, f.line) for f in kept] == [
        ("print-call", 5),
        ("missing-annotation", 2),
        ("protected-file", 1),
        ("syntax-error", 40),
    ]
    assert _line_filter(findings, [file], all_lines=True) == findings


def test_verdict_thresholds() -> None:
    warning = Finding("print-call", "AG102", Severity.WARNING, "a.py", 1, 1, "m", "f")
    error = Finding("print-call", "AG102", Severity.ERROR, "a.py", 2, 1, "m", "f")
    assert not decide([warning]).blocked
    assert decide([warning], fail_on=Severity.WARNING).blocked
    verdict = decide([warning, error, error])
    assert verdict.summary() == "blocked: 2 errors, 1 warning"
    assert verdict.counts[Severity.ERROR] == 2
    escalation = Finding("protected-file", "AG001", Severity.ESCALATE, "m.py", 1, 1, "m", "f")
    assert decide([escalation], fail_on=Severity.WARNING).blocked


def test_python_findings_only_on_changed_lines(repo: GitRepo) -> None:
    repo.write("app/service.py", 'def old() -> None:\n    print("old")\n')
    repo.commit("base")
    repo.write(
        "app/service.py",
        'def old() -> None:\n    print("old")\n\n\ndef new() -> None:\n    print("new")\n',
    )
    repo.add()
    policy = make_policy(checks={"print-call": CheckSettings("print-call", Severity.ERROR)})
    verdict = judge(repo, policy=policy)
    assert [(f.check, f.line, f.source) for f in verdict.findings] == [
        ("print-call", 6, '    print("new")')
    ]
    everything = judge(repo, policy=policy, all_lines=True)
    assert [f.line for f in everything.findings] == [2, 6]


def test_syntax_error_is_reported_once(repo: GitRepo) -> None:
    repo.write("broken.py", "def f(:\n    pass\n")
    repo.add()
    policy = make_policy(
        checks={
            "syntax-error": CheckSettings("syntax-error", Severity.WARNING),
            "print-call": CheckSettings("print-call", Severity.ERROR),
        }
    )
    verdict = judge(repo, policy=policy)
    assert [(f.check, f.line) for f in verdict.findings] == [("syntax-error", 1)]
    assert not verdict.blocked


def test_secret_added_and_removed_in_a_range_is_still_found(repo: GitRepo) -> None:
    base = repo.write("config.py", "DEBUG = True\n") and repo.commit("base")
    key = "AKIA" + "Z7QK3M5N2P4R6T8V"
    repo.write("config.py", f'DEBUG = True\nAWS_ACCESS_KEY_ID = "{key}"\n')
    leaked = repo.commit("leak")
    repo.write("config.py", "DEBUG = True\n")
    repo.commit("remove")
    policy = make_policy(checks={"secret": CheckSettings("secret", Severity.ERROR)})
    verdict = judge(repo, f"{base}..HEAD", policy=policy)
    secrets = [f for f in verdict.findings if f.check == "secret"]
    assert secrets and all(f.commit == leaked for f in secrets)
    for finding in secrets:
        assert key not in finding.message and key not in (finding.source or "")
