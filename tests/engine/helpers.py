"""Policies built directly (no rule-file parsing) and a one-call engine run on a real repo."""

from __future__ import annotations

from pathlib import Path

from agent_guard.changes.model import ChangeSet
from agent_guard.engine import EngineOptions
from agent_guard.globs import compile_globs
from agent_guard.model import Finding, Rule, Severity
from agent_guard.pipeline import changes_for, evaluate, open_repository
from agent_guard.policy.model import CheckSettings, EscalationSettings, Policy, ProtectedPath
from agent_guard.verdict import NO_APPROVALS, Approvals, Verdict
from tests.conftest import GitRepo

MODELS_RULE = Rule(
    ".cursor/rules/backend.mdc",
    19,
    "authority_boundaries/database_models",
    "You must always escalate before modifying models.py or schemas.py.",
    Severity.ESCALATE,
    ("protected-file",),
)
POLICY_RULE = Rule(".agent-guard.yaml", 1, "", "policy", Severity.ESCALATE, ("policy-change",))


def make_policy(*, checks: dict[str, CheckSettings] | None = None) -> Policy:
    settings = {
        "protected-file": CheckSettings("protected-file", Severity.ESCALATE, (MODELS_RULE,)),
        "policy-change": CheckSettings("policy-change", Severity.ESCALATE, (POLICY_RULE,)),
        **(checks or {}),
    }
    return Policy(
        checks=settings,
        protected=(
            ProtectedPath("**/models.py", compile_globs(["**/models.py"]), MODELS_RULE),
            ProtectedPath("migrations/**", compile_globs(["migrations/**"]), None),
        ),
        escalation=EscalationSettings(approvers=("lead@example.com",)),
    )


def judge(
    repo: GitRepo,
    target: str | None = None,
    *,
    policy: Policy | None = None,
    approvals: Approvals = NO_APPROVALS,
    all_lines: bool = False,
    fail_on: Severity = Severity.ERROR,
    cache_dir: Path | None = None,
) -> Verdict:
    repository = open_repository(repo.path)
    with repository.objects() as objects:
        changesets: list[ChangeSet] = changes_for(repository, objects, target)
        return evaluate(
            repository,
            objects,
            changesets,
            policy or make_policy(),
            approvals=approvals,
            options=EngineOptions(all_lines=all_lines, cache_dir=cache_dir),
            fail_on=fail_on,
        )


def checks_of(verdict: Verdict) -> list[tuple[str, str]]:
    return [(finding.check, finding.path) for finding in verdict.findings]


def only(verdict: Verdict) -> Finding:
    assert len(verdict.findings) == 1, verdict.findings
    return verdict.findings[0]
