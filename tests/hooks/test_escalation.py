"""Approval rules: who is an approver, which trailers and signatures count, what they cover."""

from __future__ import annotations

from agent_guard.changes.model import Commit
from agent_guard.policy.model import EscalationSettings
from agent_guard.verdict.escalation import (
    Identity,
    Signature,
    approver_named,
    cover_ancestors,
    local_approvals,
    pusher_approver,
    server_approvals,
)

SETTINGS = EscalationSettings(approvers=("lead", "ops@example.com"), pusher_env=("AG_PUSHER",))
TRAILER = "Escalation-Approved-By: Lead <lead@example.com>"


def commit(oid: str, *parents: str, message: str = "change\n") -> Commit:
    return Commit(oid, parents, "A <a@x>", "A <a@x>", message)


def test_identities_match_by_username_or_email_case_insensitively() -> None:
    assert approver_named(Identity.parse("Lead Dev <lead@example.com>"), SETTINGS.approvers) is None
    assert Identity.parse("Lead Dev <lead@example.com>") == Identity("Lead Dev", "lead@example.com")
    assert approver_named(Identity.parse("LEAD <x@y>"), SETTINGS.approvers) == "lead"
    assert approver_named(Identity.parse("Ops <OPS@example.com>"), SETTINGS.approvers) == (
        "ops@example.com"
    )
    assert approver_named(Identity.parse("ops@example.com"), SETTINGS.approvers)
    assert approver_named(Identity.parse("Leader <leader@x>"), SETTINGS.approvers) is None


def test_pusher_from_each_host_and_from_the_admins_variable() -> None:
    assert pusher_approver(SETTINGS, {"GL_USERNAME": "lead"}) == "lead"
    assert pusher_approver(SETTINGS, {"GITHUB_USER_LOGIN": "Lead"}) == "lead"
    assert pusher_approver(SETTINGS, {"GITEA_PUSHER_EMAIL": "ops@example.com"})
    assert pusher_approver(SETTINGS, {"AG_PUSHER": "lead"}) == "lead"
    assert pusher_approver(SETTINGS, {"GL_USERNAME": "agent-bot"}) is None
    assert pusher_approver(SETTINGS, {"SOME_OTHER": "lead"}) is None


def test_an_approval_covers_its_ancestors_in_the_change_only() -> None:
    commits = [commit("a", "base"), commit("b", "a"), commit("c", "b")]
    assert cover_ancestors({"b": "lead"}, commits) == {"b": "lead", "a": "lead"}


def test_local_approvals_take_a_listed_trailer_at_its_word() -> None:
    approved = commit("b", "a", message=f"approve\n\n{TRAILER}\n")
    commits = [commit("a"), approved]
    approvals = local_approvals(commits, SETTINGS)
    assert approvals.by_commit == {"a": "lead", "b": "lead"}
    assert approvals.everything == "lead"  # every commit approved: the net change too
    assert approvals.note is not None and "server" in approvals.note


def test_local_approvals_of_a_message_being_written() -> None:
    assert local_approvals((), SETTINGS, message=f"x\n\n{TRAILER}\n").everything == "lead"
    assert (
        local_approvals((), SETTINGS, message="x\n\nEscalation-Approved-By: Bob\n").everything
        is None
    )


def test_server_needs_a_good_signature_by_the_named_approver() -> None:
    signed = commit("a", message=f"edit\n\n{TRAILER}\n")
    good = {"a": Signature("G", "lead", "SHA256:k")}  # the SSH principal, as listed
    approvals = server_approvals([signed], SETTINGS, environ={}, signatures=good)
    assert approvals.by_commit == {"a": "lead"}
    for refused in (
        {},  # not signed
        {"a": Signature("N", "", "")},
        {"a": Signature("U", "lead", "SHA256:k")},  # unknown validity
        {"a": Signature("G", "ops@example.com", "SHA256:o")},  # another approver's key
        {"a": Signature("G", "agent@example.com", "SHA256:x")},  # not an approver at all
    ):
        result = server_approvals([signed], SETTINGS, environ={}, signatures=refused)
        assert result.by_commit == {}, refused
        assert result.note is not None and "is not trusted" in result.note


def test_server_trusts_an_approvers_push_for_everything() -> None:
    approvals = server_approvals(
        [commit("a")], SETTINGS, environ={"GL_USERNAME": "lead"}, signatures={}
    )
    assert approvals.everything == "lead"
