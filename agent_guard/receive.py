"""The server's judgement of one push: every ref update on its own, by its own trusted policy.

What the pusher controls (docs/security.md): refs (names, order, number, deletions, force),
commits, trees, merges, messages, signatures and push options. So, per ref update:

- its range is every commit in `old..new` of THAT ref (`sources.ref_ranges`), whether or not
  another ref already brought it: a commit pushed to a branch with a weaker policy is judged
  again when `main` takes it, by main's policy. Order and number of refs never matter;
- its policy is its old tip's (a created ref: the default branch's tip before the push; or
  `--policy DIR`), never one from a ref created or moved in the same push (`trusted.py`);
- a force push (the old tip is not an ancestor of the new one) is also judged as the change
  from the old tip to the new one, so a rewind that removes an approved change, or rolls the
  policy back, needs approval although no new commit touches those paths;
- checks of unit `ref` see every update, deletions included (`checks/ref_rules.py`);
- a suppression the push adds is honoured only in an approved commit (a commit signed by an
  approver, or an approver's push) or for a check the policy lists in
  `escalation.server_suppressible` (never `secret`); otherwise it becomes an escalation that
  quotes the finding and the reason given. Every suppression honoured is listed in the notes.

Cost: a constant number of git processes per distinct range (refs at the same commit share
one), one `git log` for all commits, and commits already judged clean under the same policy
are free (`verdicts.py`). A ref with nothing to check (a tag at an existing commit, a
deletion) runs only the `ref` checks, in process.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from agent_guard.changes.git import BatchObjectReader, CommitTreeReader, Repository
from agent_guard.changes.model import ChangedFile, ChangeSet, Commit, CommitChange, RefUpdate
from agent_guard.changes.sources import RefRange, net_files, read_commit_changes, ref_ranges
from agent_guard.checks.base import (
    Check,
    Context,
    RefUnit,
    Unit,
    check_of,
    enabled_by_unit,
    unit_of,
)
from agent_guard.checks.registry import BY_SLUG
from agent_guard.engine import EngineOptions, RunCache, run
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings, Policy
from agent_guard.trusted import TrustedPolicy
from agent_guard.verdict import NO_APPROVALS, Approvals, Verdict, decide
from agent_guard.verdict.suppressions import MaySuppress, Suppression
from agent_guard.verdicts import VerdictCache

log = logging.getLogger(__name__)

SERVER_NOTE = (
    "on this server an Escalation-Approved-By trailer counts only in a commit signed by the "
    "approver it names (SSH or GPG), or when an approver pushes"
)

BOOTSTRAP_NOTE = (
    "this push creates the repository's first branch, so all of its history is judged. To "
    "bring an existing history in, seed the server with it (`git clone --bare`, then install "
    "the hook), or run the hook with --policy DIR, list the approvers' keys in allowed "
    "signers on the server, and push an approval an approver signed on top (`agent-guard "
    "approve --policy DIR`); see docs/hosts/bare.md"
)


class Progress:
    """What the hook is doing now, so a time-budget rejection can say what was slow."""

    def __init__(self) -> None:
        self.phase = "reading the push"

    def __call__(self, phase: str) -> None:
        log.debug("pre-receive: %s", phase)
        self.phase = phase


@dataclass(slots=True)
class Judgement:
    """The verdicts of a push's ref updates and the notes the pusher should read."""

    verdicts: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    last_policy: Policy = field(default_factory=Policy)


def judge_push(
    repo: Repository,
    objects: BatchObjectReader,
    updates: Sequence[RefUpdate],
    environ: Mapping[str, str],
    *,
    policy_dir: Path | None,
    progress: Progress,
    default_branch: tuple[str | None, str | None] | None = None,
) -> Judgement:
    """Every ref update of the push, each on its own range by its own trusted policy.

    `default_branch` is the server's default branch as (tip before the push, ref name);
    looked up in `repo` when not given, as a pre-receive hook runs in the server's
    repository. `agent-guard approve` passes what the remote-tracking refs say instead, to
    judge a push before making it, by this same code.
    """
    from agent_guard import trusted

    progress("looking up the default branch")
    if default_branch is None:
        default_tip = trusted.default_branch_commit(repo)
        default_name = trusted.default_branch_name(repo)
    else:
        default_tip, default_name = default_branch
    first_push = False
    if policy_dir is None and default_tip is None:
        first_push = trusted.never_held_a_commit(repo)
    updates = [u._replace(default_branch=True) if u.ref == default_name else u for u in updates]
    progress(f"listing the commits of {len(updates)} ref update(s)")
    ranges = ref_ranges(repo, objects, updates, created_base=default_tip)
    wanted = list(dict.fromkeys(oid for r in ranges for oid in r.commits))
    progress(f"reading the changes of {len(wanted)} commit(s)")
    by_oid = {c.commit.oid: c for c in read_commit_changes(repo, objects, wanted, walk=False)}
    judge = _Judge(repo, objects, environ, policy_dir, default_tip, first_push, progress)
    result = Judgement()
    for ref_range in ranges:
        verdict = judge.ref(ref_range, by_oid)
        result.verdicts.append(verdict)
    judge.flush()
    result.notes = judge.notes
    result.last_policy = judge.last_policy
    return result


class _Judge:
    """Judges ref updates one by one; policies, net changes and verdict caches are shared."""

    def __init__(
        self,
        repo: Repository,
        objects: BatchObjectReader,
        environ: Mapping[str, str],
        policy_dir: Path | None,
        default_tip: str | None,
        first_push: bool,
        progress: Progress,
    ) -> None:
        self.repo = repo
        self.objects = objects
        self.environ = environ
        self.policy_dir = policy_dir
        self.default_tip = default_tip
        self.first_push = first_push
        self.progress = progress
        self.notes: list[str] = []
        self.last_policy = Policy()
        self._policies: dict[str, Policy] = {}
        self._caches: dict[str, VerdictCache] = {}
        self._net: dict[tuple[str | None, str], tuple[ChangedFile, ...]] = {}
        # One per policy: per-blob results (and the store kept across runs) are the policy's.
        self._run_caches: dict[str, RunCache] = {}
        self._empty: dict[str, Verdict] = {}
        self._for_created: TrustedPolicy | None = None
        self._cache_dir = repo.cache_dir
        self._ref_groups: dict[str, list[tuple[CheckSettings, Check]]] = {}

    # -- policy --------------------------------------------------------------------------

    def _trusted(self, update: RefUpdate) -> TrustedPolicy | None:
        if self.policy_dir is not None:
            return None
        if update.created and self._for_created is not None:
            return self._for_created  # the default branch's: the same for every new ref
        from agent_guard.trusted import trusted_policy

        found = trusted_policy(
            self.repo,
            self.objects,
            update,
            default=self.default_tip,
            first_push=self.first_push,
        )
        if update.created and self.default_tip is not None:
            self._for_created = found
        return found

    def _policy(self, trusted: TrustedPolicy | None) -> Policy:
        key = trusted.commit if trusted is not None else ""
        policy = self._policies.get(key)
        if policy is None:
            if trusted is None:
                from agent_guard.policy.load import WorkTreeSource, load_policy

                assert self.policy_dir is not None
                policy = load_policy(
                    self.policy_dir,
                    source=WorkTreeSource(self.policy_dir),
                    cache_dir=self.repo.cache_dir,
                )
            else:
                from agent_guard.pipeline import TreeSource, load

                tree = CommitTreeReader(self.repo.git, self.objects, trusted.commit)
                policy = load(self.repo, source=TreeSource(tree))
            self._policies[key] = policy
        return policy

    def _verdicts(self, policy: Policy) -> VerdictCache:
        cache = self._caches.get(policy.fingerprint)
        if cache is None:
            cache = self._caches[policy.fingerprint] = VerdictCache(
                self.repo.cache_dir, policy.fingerprint
            )
        return cache

    def _run_cache(self, policy: Policy) -> RunCache:
        cache = self._run_caches.get(policy.fingerprint)
        if cache is None:
            cache = self._run_caches[policy.fingerprint] = RunCache()
        return cache

    def flush(self) -> None:
        for run_cache in self._run_caches.values():
            run_cache.flush()
        for cache in self._caches.values():
            cache.flush()

    # -- one ref -------------------------------------------------------------------------

    def ref(self, ref_range: RefRange, by_oid: Mapping[str, CommitChange]) -> Verdict:
        update = ref_range.update
        if ref_range.forced:
            update = update._replace(forced=True)
        trusted = self._trusted(update)
        policy = self._policy(trusted)
        self.last_policy = policy
        # An annotated tag carries a message of its own (content checks scan it), even when
        # it brings no new commit: it is judged with no files, so no net change rides on it.
        tag_only = (
            ref_range.tip is not None
            and update.new != ref_range.tip
            and not (ref_range.commits or ref_range.forced)
        )
        if ref_range.tip is None or not (ref_range.commits or ref_range.forced or tag_only):
            findings = self._ref_checks(update, ref_range, policy)
            if not findings:
                return self._nothing(policy)
            approvals = self._approvals([], policy, trusted)
            return self._decide(update, findings, approvals, policy, trusted)
        self.progress(
            f"checking {update.ref} ({len(ref_range.commits)} commit(s) since "
            f"{(ref_range.base or 'the empty tree')[:12]})"
        )
        verdicts = self._verdicts(policy)
        commits = tuple(
            CommitChange(by_oid[oid].commit, ()) if verdicts.clean(oid) else by_oid[oid]
            for oid in ref_range.commits
        )
        files = () if tag_only else self._net_files(ref_range.base, ref_range.tip)
        changes = ChangeSet("push", files, commits, ref_range.tip, update, ref_range.base)
        approvals = self._approvals([c.commit for c in commits], policy, trusted)
        honoured: dict[Finding, str] = {}
        options = EngineOptions(
            cache_dir=self.repo.cache_dir,
            may_suppress=server_may_suppress(policy, approvals, changes, honoured),
        )
        tree = CommitTreeReader(self.repo.git, self.objects, ref_range.tip)
        findings = run(changes, policy, self.objects, tree, options, self._run_cache(policy))
        if ref_range.forced and commits:
            findings += self._tip_to_tip(changes, policy, options)
        findings = self._escalate_refused(findings, update, honoured)
        flagged = {finding.commit for finding in findings}  # (a scan per commit: minutes)
        verdicts.add(oid for oid in ref_range.commits if oid not in flagged)
        return self._decide(update, findings, approvals, policy, trusted)

    def _net_files(self, base: str | None, tip: str) -> tuple[ChangedFile, ...]:
        key = (base, tip)
        if key not in self._net:
            self._net[key] = net_files(self.repo, base, tip)
        return self._net[key]

    def _nothing(self, policy: Policy) -> Verdict:
        """The verdict of a ref update with no finding (shared: 20,000 tags, one verdict)."""
        verdict = self._empty.get(policy.fingerprint)
        if verdict is None:
            verdict = decide([], NO_APPROVALS, approvers=policy.escalation.approvers)
            self._empty[policy.fingerprint] = verdict
        return verdict

    def _ref_checks(self, update: RefUpdate, ref_range: RefRange, policy: Policy) -> list[Finding]:
        """The `ref` checks alone, for an update with nothing else to check (no engine run:
        a push of 20,000 tags costs 20,000 calls of each `ref` check, nothing more)."""
        key = policy.fingerprint
        checks = self._ref_groups.get(key)
        if checks is None:
            group = enabled_by_unit(policy).get(Unit.REF, [])
            checks = self._ref_groups[key] = [(s, check_of(BY_SLUG[s.slug])) for s in group]
        if not checks:
            return []
        changes = ChangeSet("push", (), (), ref_range.tip, update, ref_range.base)
        unit = RefUnit(update, changes)
        findings: list[Finding] = []
        for settings, check in checks:
            context = Context(settings, policy, changes, self.objects, None, self._cache_dir)
            findings += check.run(unit, context)
        return findings

    def _tip_to_tip(
        self, changes: ChangeSet, policy: Policy, options: EngineOptions
    ) -> list[Finding]:
        """A force push with new commits: the path checks on the change from the old tip to
        the new one too, so what the rewind removed is judged, not only what it adds."""
        path_checks = {s: c for s, c in policy.checks.items() if unit_of(s) is Unit.PATH}
        narrowed = policy._replace(checks=path_checks)
        tip_to_tip = changes._replace(commits=(), ref=None)
        return run(tip_to_tip, narrowed, self.objects, None, options)

    def _escalate_refused(
        self, findings: list[Finding], update: RefUpdate, honoured: Mapping[Finding, str]
    ) -> list[Finding]:
        """A suppression the server did not honour becomes an escalation quoting it; those
        it honoured are listed in the notes."""
        result: list[Finding] = []
        for finding in findings:
            suppression = finding.suppression
            if suppression is None:
                result.append(finding)
            elif suppression.honoured:
                why = next((w for f, w in honoured.items() if _same(f, finding)), "allowed")
                self.notes.append(
                    f"{update.ref}: suppression honoured: {finding.path}:{finding.line} "
                    f"{finding.check} ({suppression.reason or 'no reason given'!r}): {why}"
                )
                result.append(finding)
            elif finding.severity is Severity.ESCALATE:
                result.append(finding)
            else:
                reason = suppression.reason or "no reason given"
                result.append(
                    finding._replace(
                        severity=Severity.ESCALATE,
                        suppression=None,
                        message=(
                            f"{finding.message} — suppressed in this push ({reason!r}), but on "
                            "this server a suppression the push adds counts only in an "
                            "approved commit"
                        ),
                        fix="ask an approver to sign the commit or push it, or fix the finding",
                    )
                )
        return result

    def _approvals(
        self, listed: Sequence[Commit], policy: Policy, trusted: TrustedPolicy | None
    ) -> Approvals:
        from agent_guard.verdict import escalation

        settings = policy.escalation
        signatures: dict[str, escalation.Signature] = {}
        if escalation.pusher_approver(settings, self.environ) is None and listed:
            # Signer lists come from the trusted tree, never from the pushed commits (and
            # not at all on a first push, whose own list would prove nothing).
            in_tree = trusted.commit if trusted is not None and trusted.in_tree_signers else None
            signatures = escalation.verified_signatures(
                self.repo,
                self.objects,
                listed,
                settings,
                tree=in_tree,
                policy_dir=self.policy_dir,
            )
        return escalation.server_approvals(
            listed, settings, environ=self.environ, signatures=signatures
        )

    def _decide(
        self,
        update: RefUpdate,
        findings: list[Finding],
        approvals: Approvals,
        policy: Policy,
        trusted: TrustedPolicy | None,
    ) -> Verdict:
        unique = sorted(set(findings), key=lambda f: (*f.sort_key, f.commit or ""))
        verdict = decide(unique, approvals, approvers=policy.escalation.approvers)
        if any(f.severity is Severity.ESCALATE and verdict.blocks(f) for f in verdict.findings):
            # How to approve, said once and only where an escalation waits for approval.
            note = "; ".join(part for part in (verdict.note, SERVER_NOTE) if part)
            verdict = verdict._replace(note=note)
        if trusted is not None and verdict.blocked:
            self.notes.append(f"{update.ref}: judged by the policy of {trusted.reason}")
        if verdict.blocked and update.created and self.default_tip is None:
            self.notes.append(f"{update.ref}: {BOOTSTRAP_NOTE}")
        return verdict


def _same(a: Finding, b: Finding) -> bool:
    return (a.check, a.path, a.line, a.commit) == (b.check, b.path, b.line, b.commit)


def server_may_suppress(
    policy: Policy, approvals: Approvals, changes: ChangeSet, honoured: dict[Finding, str]
) -> MaySuppress:
    """Who may suppress what on the server (`suppressions.MaySuppress`), for one ref.

    Never an escalation. A check listed in `escalation.server_suppressible`: yes. A
    suppression written on a line the change did not add (it was in the repository before):
    yes, except for `secret`, whose allowlist on a line next to a newly added secret is the
    push accepting that secret. Otherwise only in an approved commit. Why each one was
    honoured is written to `honoured` for the summary.
    """
    free = frozenset(policy.escalation.server_suppressible) - {"secret"}
    # Indexed on the first suppression only: most pushes have none, and the index of every
    # commit's files costs ~90 bytes an entry (sympy's 1,000 push: 9,743 entries, 0.8 MiB).
    per_commit: dict[tuple[str, str], AbstractSet[int]] = {}
    net: dict[str, AbstractSet[int]] = {}

    def added_lines(commit: str | None, path: str) -> AbstractSet[int] | None:
        if not net and not per_commit:
            per_commit.update(
                ((change.commit.oid, file.path), file.added_lines)
                for change in changes.commits
                for file in change.files
            )
            net.update((file.path, file.added_lines) for file in changes.files)
        return net.get(path) if commit is None else per_commit.get((commit, path))

    def allowed(finding: Finding, suppression: Suppression) -> bool:
        if finding.severity is Severity.ESCALATE:
            return False
        if finding.check in free:
            honoured[finding] = "the policy lets a push suppress this check (server_suppressible)"
            return True
        if finding.check != "secret":
            lines = added_lines(finding.commit, finding.path)
            if lines is not None and suppression.written_at not in lines:
                honoured[finding] = "the suppression was in the repository before this change"
                return True
        approver = approvals.approver_of(finding)
        if approver is not None:
            honoured[finding] = f"approved by {approver}"
            return True
        return False

    return allowed
