"""What every check family shares: building a Finding from a check's settings.

A check never talks to git and never prints. It receives text (or an AST) and the
CheckSettings the policy compiled for it, and returns Findings. The rule it quotes, its
severity and its code come from the policy and the registry, so no check hard-codes them.
"""

from __future__ import annotations

from agent_guard.checks.registry import BY_SLUG
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings


def make_finding(
    settings: CheckSettings,
    path: str,
    line: int,
    column: int,
    message: str,
    fix: str,
    *,
    scope: tuple[int, int] | None = None,
    commit: str | None = None,
    extra: tuple[tuple[str, str], ...] = (),
) -> Finding:
    """A Finding for `settings.slug`, with the code, severity and rule the policy gives it."""
    return Finding(
        check=settings.slug,
        code=BY_SLUG[settings.slug].code,
        severity=settings.severity,
        path=path,
        line=line,
        column=column,
        message=message,
        fix=fix,
        rule=settings.rule,
        commit=commit,
        scope=scope,
        extra=extra,
    )
