"""The code checks read their rule's words: a traceback is required only when asked for."""

from __future__ import annotations

import ast

from agent_guard.checks.python import check_python
from agent_guard.model import Rule, Severity
from agent_guard.policy.model import CheckSettings, Policy

HANDLER = """\
import logging

log = logging.getLogger(__name__)


def run(job):
    try:
        job()
    except Exception as error:
        log.warning("job failed: %s", error)
"""


def findings_with_rule(text: str) -> list[str]:
    rule = Rule(".cursor/rules/backend.mdc", 3, "never_do/rule", text, Severity.ERROR)
    settings = CheckSettings("broad-except", Severity.ERROR, rules=(rule,))
    policy = Policy(checks={"broad-except": settings})
    result = check_python("app/jobs.py", HANDLER, ast.parse(HANDLER), policy)
    return [finding.message for finding in result.findings]


def test_or_logging_means_a_log_call_at_any_level() -> None:
    rule = "Never catch a broad Exception unless you log it or re-raise it"
    assert findings_with_rule(rule) == []


def test_a_rule_that_asks_for_the_traceback_requires_one() -> None:
    messages = findings_with_rule("Never catch a broad Exception without logging its traceback")
    assert len(messages) == 1
    assert "logs the traceback" in messages[0]


def test_the_option_overrides_the_rule_words() -> None:
    rule = Rule("AGENTS.md", 1, "", "log the stack trace of every broad handler", Severity.ERROR)
    settings = CheckSettings(
        "broad-except", Severity.ERROR, rules=(rule,), options={"require_exc_info": False}
    )
    policy = Policy(checks={"broad-except": settings})
    assert check_python("app/jobs.py", HANDLER, ast.parse(HANDLER), policy).findings == []
