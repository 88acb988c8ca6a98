"""The verdict stage: what the findings of a change add up to.

`suppressions` (the one suppression stage: inline comments that accept a finding),
`trailers` (commit trailers, parsed as git parses them), `escalation` (who approved what:
trailers, signatures, the pusher) and `decide` (severities and approvals -> passed or
blocked). The names the other stages use are exported here.
"""

from __future__ import annotations

from agent_guard.verdict.decide import NO_APPROVALS, Approvals, Verdict, decide

__all__ = ["NO_APPROVALS", "Approvals", "Verdict", "decide"]
