"""The one straight line every entry point runs: changes -> policy -> engine -> verdict.

`agent-guard diff` calls `diff()`. The hooks compose the same steps with their own inputs
(the staged change, a push read from stdin, a policy read from a trusted tree, approvals):

    repo = open_repository(".")
    with repo.objects() as objects:
        changesets = push_changes(repo, objects, parse_pre_receive(stdin), exclude=("--all",))
        policy = load(repo, source=TreeSource(CommitTreeReader(repo.git, objects, ref_tip)))
        verdict = evaluate(repo, objects, changesets, policy, approvals=..., fail_on=...)
    render(verdict, "text", sys.stdout, color=False)

Nothing here prints; the command renders the verdict. Caches live in `<git-dir>/agent-guard/`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from agent_guard.changes.git import (
    BatchObjectReader,
    CommitTreeReader,
    IndexTreeReader,
    Repository,
    WorktreeReader,
    open_repository,
)
from agent_guard.changes.model import SYMLINK_MODE, ChangeSet, ObjectReader, TreeReader
from agent_guard.changes.sources import (
    WorktreeObjects,
    range_changes,
    staged_changes,
    worktree_changes,
)
from agent_guard.engine import EngineOptions, RunCache, run
from agent_guard.model import Severity
from agent_guard.policy.model import Policy
from agent_guard.selection import ALL, Selection
from agent_guard.verdict import NO_APPROVALS, Approvals, Verdict, decide

if TYPE_CHECKING:
    from agent_guard.policy.load import PolicySource

log = logging.getLogger(__name__)

__all__ = [
    "DiffRequest",
    "TreeSource",
    "diff",
    "evaluate",
    "load",
    "objects_for",
    "open_repository",
    "tree_for",
]


class DiffRequest(NamedTuple):
    """What `agent-guard diff` was asked: which change, which policy files, how strict.

    `target` is None for the staged change, "WORKTREE" for the work tree, else a revision
    (`REV`, `A..B`, `A...B`). `selection` narrows the checks (`--select`, `--ignore`).
    """

    target: str | None = None
    config: Path | None = None
    rules: tuple[Path, ...] | None = None
    all_lines: bool = False
    fail_on: Severity = Severity.ERROR
    verify_signatures: bool = False
    selection: Selection = ALL


WORKTREE = "WORKTREE"


class TreeSource:
    """A PolicySource over any TreeReader (a commit's tree, the index): for bare repositories
    and for the server, which reads the policy from the ref's current tip."""

    def __init__(self, tree: TreeReader) -> None:
        self._tree = tree

    def read(self, path: str) -> bytes | None:
        return self._tree.read(path)

    def paths(self, patterns: Sequence[str]) -> list[str]:
        from agent_guard.policy.load import matches_pattern

        return sorted(
            path
            for path in self._tree.paths()
            if any(matches_pattern(pattern, path) for pattern in patterns)
        )

    def link_problem(self, path: str) -> str | None:
        """A link in a git tree is not followed (its target may not be in the tree, and the
        server must read what the commit holds): it is listed as not read, with the fix."""
        entry = self._tree.entry(path)
        if entry is not None and entry.mode == SYMLINK_MODE:
            return "a symbolic link, not followed in a git tree: name its target in `rules:`"
        return None

    def same_file(self, path: str) -> str | None:
        return None  # links are never followed here (link_problem)


def load(
    repo: Repository,
    *,
    config: Path | None = None,
    rules: Sequence[Path] | None = None,
    source: PolicySource | None = None,
    objects: BatchObjectReader | None = None,
    baseline: bool = True,
) -> Policy:
    """The repository's compiled policy (cached in `<git-dir>/agent-guard/`).

    From the work tree by default; a bare repository reads it from HEAD's tree (`objects`
    needed), unless the caller passes its own `source` (e.g. `TreeSource` of a ref's tip).
    """
    from agent_guard.policy.load import load_policy

    root = repo.root or repo.git_dir
    source_: PolicySource | None = source
    if source is None and repo.root is None and objects is not None:
        head = objects.resolve_commit("HEAD")
        if head is not None:
            source_ = TreeSource(CommitTreeReader(repo.git, objects, head))
    policy = load_policy(
        root,
        config=config,
        rules=rules,
        source=source_,
        cache_dir=repo.cache_dir,
        baseline=baseline,
    )
    if log.isEnabledFor(logging.INFO):  # -v
        log.info(
            "policy: %d rule file(s), %d rule(s); checks on: %s",
            len(policy.rule_files),
            len(policy.rules),
            ", ".join(policy.checks) or "none",
        )
    return policy


def objects_for(repo: Repository, changes: ChangeSet, objects: BatchObjectReader) -> ObjectReader:
    """Where a ChangeSet's blobs are read: the store, or the work tree for a work-tree diff."""
    if changes.kind in ("worktree", "files"):
        return WorktreeObjects(repo, changes, objects)
    return objects


def tree_for(repo: Repository, changes: ChangeSet, objects: BatchObjectReader) -> TreeReader | None:
    """The new state of a ChangeSet, for checks that read files beyond the diff."""
    if changes.kind == "staged":
        return IndexTreeReader(repo.git, objects)
    if changes.kind in ("worktree", "files") and repo.root is not None:
        return WorktreeReader(repo.git, repo.root)
    if changes.tree is not None:
        return CommitTreeReader(repo.git, objects, changes.tree)
    return None


def changes_for(
    repo: Repository, objects: BatchObjectReader, target: str | None
) -> list[ChangeSet]:
    """The ChangeSets `agent-guard diff [TARGET]` checks (staged when TARGET is None)."""
    if target is None:
        return [staged_changes(repo, objects)]
    if target == WORKTREE:
        return [worktree_changes(repo, objects)]
    return [range_changes(repo, objects, target)]


def evaluate(
    repo: Repository,
    objects: BatchObjectReader,
    changesets: Sequence[ChangeSet],
    policy: Policy,
    *,
    approvals: Approvals = NO_APPROVALS,
    options: EngineOptions | None = None,
    fail_on: Severity = Severity.ERROR,
) -> Verdict:
    """Run the engine on every ChangeSet (one shared per-blob cache) and decide."""
    options = options or EngineOptions(cache_dir=repo.cache_dir)
    cache = RunCache()
    findings = []
    try:
        for changes in changesets:
            findings += run(
                changes,
                policy,
                objects_for(repo, changes, objects),
                tree_for(repo, changes, objects),
                options,
                cache,
            )
    finally:
        cache.flush()  # the per-blob results, kept for the next run
    unique = sorted(set(findings), key=lambda f: (*f.sort_key, f.commit or ""))
    log.info(
        "checked %d changed file(s) in %d change set(s): %d finding(s)",
        sum(len(changes.files) for changes in changesets),
        len(changesets),
        len(unique),
    )
    return decide(unique, approvals, fail_on, approvers=policy.escalation.approvers)


def diff(request: DiffRequest, cwd: Path | str = ".") -> Verdict:
    """`agent-guard diff`: open the repository, build the change, load the policy, judge."""
    repo = open_repository(cwd)
    with repo.objects() as objects:
        changesets = changes_for(repo, objects, request.target)
        policy = load(repo, config=request.config, rules=request.rules, objects=objects)
        policy = request.selection.narrow(policy)
        if not policy.rule_files:
            from agent_guard.policy.load import NO_RULE_FILE

            log.warning(NO_RULE_FILE)
        options = EngineOptions(all_lines=request.all_lines, cache_dir=repo.cache_dir)
        approvals = range_approvals(
            repo, objects, changesets, policy, verify_signatures=request.verify_signatures
        )
        return evaluate(
            repo,
            objects,
            changesets,
            policy,
            approvals=approvals,
            options=options,
            fail_on=request.fail_on,
        )


def range_approvals(
    repo: Repository,
    objects: BatchObjectReader,
    changesets: Sequence[ChangeSet],
    policy: Policy,
    *,
    verify_signatures: bool,
) -> Approvals:
    """The approvals the commits of a range carry (staged and work-tree changes have none).

    By default a listed approver's `Escalation-Approved-By:` trailer is taken at its word, as
    the local hooks do: `diff` by hand agrees with what the commit-msg hook let through.
    With `verify_signatures` (for CI, where the agent may have written the trailer) a trailer
    counts only on a commit signed by that approver, as on the server; the allowed signers
    are read from the range's base, which the change under judgement cannot have edited.
    """
    commits = [change.commit for changes in changesets for change in changes.commits]
    if not commits:
        return NO_APPROVALS
    from agent_guard.verdict import escalation

    settings = policy.escalation
    if not verify_signatures:
        return escalation.local_approvals(commits, settings)
    base = next((changes.base for changes in changesets if changes.base), None)
    signatures = escalation.verified_signatures(repo, objects, commits, settings, tree=base)
    return escalation.server_approvals(commits, settings, environ={}, signatures=signatures)


class CheckRequest(NamedTuple):
    """What `agent-guard check [PATH...]` was asked: whole files, like `ruff check`."""

    paths: tuple[Path, ...] = ()
    config: Path | None = None
    rules: tuple[Path, ...] | None = None
    fail_on: Severity = Severity.ERROR
    selection: Selection = ALL
    use_baseline: bool = True  # False for `agent-guard baseline`, which records them all


def check(request: CheckRequest, cwd: Path | str = ".") -> Verdict:
    """`agent-guard check`: every line of the files under `paths` (the whole work tree
    without them), by the code and content checks; nothing here is a change to approve."""
    from agent_guard.changes.files import relative_paths

    repo = open_repository(cwd)
    with repo.objects() as objects:
        paths = relative_paths(repo, request.paths, Path(cwd).resolve())
        policy = load(
            repo,
            config=request.config,
            rules=request.rules,
            objects=objects,
            baseline=request.use_baseline,
        )
        policy = request.selection.narrow(policy)
        if not policy.rule_files:
            from agent_guard.policy.load import NO_RULE_FILE

            log.warning(NO_RULE_FILE)
        return whole_files(repo, objects, paths, policy, fail_on=request.fail_on)


def whole_files(
    repo: Repository,
    objects: BatchObjectReader,
    paths: Sequence[str],
    policy: Policy,
    *,
    fail_on: Severity = Severity.ERROR,
    literal: bool = False,
) -> Verdict:
    """Every line of the files under `paths` (repository-relative; none: the whole tree),
    by the code and content checks. `literal`: the paths are file names, not pathspecs."""
    from agent_guard.changes.files import file_changes

    changes = file_changes(repo, paths, literal=literal)
    options = EngineOptions(all_lines=True, cache_dir=repo.cache_dir)
    return evaluate(repo, objects, [changes], policy, options=options, fail_on=fail_on)
