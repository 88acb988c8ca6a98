"""branch-protection (AG403): a push the rules forbid on a protected branch.

## What it does
Reads what the rule files forbid doing to branches (the `branch-protection` bindings; see
docs/rules.md) and checks each ref a push updates, at pre-push and on the server
(pre-receive):

- `push` (also `commit`: "never commit directly to `main`"): any update of the branch;
- `force-push` and `rewrite` ("never force-push", "never amend or rebase pushed commits"):
  an update whose old tip is not an ancestor of the new one, so commits leave the branch;
- `delete`: deleting the branch;
- `destructive`: a force push or a deletion.

The branches are the rule's `branches` (`main`, `release/*` as a glob), else `main` and
`master`. Creating a branch (the first push of `main` into an empty repository) is not
a push onto it; a tag is not a branch. Nothing is reported
at commit time: a commit on a local branch harms nobody until it is pushed.

## Why is this bad?
A direct push skips review; a force push or a deletion throws away commits other people
(and CI, and deployed releases) build on, and cannot be undone from their side. The rule
file says not to; server-side, this check makes it true.

## Example
```
git push --force origin main
```

## Fix
Push to a new branch and open a pull request (`git push origin HEAD:fix/parser`). To undo
pushed commits, add a revert commit (`git revert`) instead of rewriting the branch.
"""

from __future__ import annotations

import fnmatch

from agent_guard.checks.base import Context, RefUnit, Unit, make_finding
from agent_guard.checks.options import Option
from agent_guard.model import Finding
from agent_guard.policy.model import Binding

OPTIONS: tuple[Option[object], ...] = ()

DEFAULT_BRANCHES = ("main", "master")
_ACTIONS = {
    "push": ("push",),
    "commit": ("push",),
    "force-push": ("force-push",),
    "rewrite": ("force-push",),
    "delete": ("delete",),
    "destructive": ("force-push", "delete"),
}
_FIXES = {
    "push": "push to another branch and open a pull request (`git push origin HEAD:my-change`)",
    "force-push": "do not rewrite a shared branch: add commits on top (`git revert` undoes "
    "one) and push without --force",
    "delete": "do not delete this branch; ask a maintainer if it must go",
}


class BranchProtectionCheck:
    """Each ref update of a push against what the rules forbid on that branch."""

    unit = Unit.REF

    def run(self, unit: RefUnit, context: Context) -> list[Finding]:
        update = unit.update
        if not update.ref.startswith("refs/heads/"):
            return []
        branch = update.ref.removeprefix("refs/heads/")
        if update.deleted:
            what = "delete"
        elif unit.changes.rewrites or unit.update.forced:  # forced: the server knows it
            what = "force-push"
        elif update.created:
            return []  # a new branch (the first push of `main`) goes onto nothing
        else:
            what = "push"
        findings: list[Finding] = []
        for binding in context.policy.bindings_for("branch-protection"):
            if not _protects(binding, branch):
                continue
            forbidden = {a for word in binding.param("forbid") for a in _ACTIONS.get(word, ())}
            # a force push and a deletion are pushes too: "never push to main" forbids them
            hit = what if what in forbidden else "push" if "push" in forbidden else None
            if hit is None:
                continue
            message = _message(what, branch)
            finding = make_finding(context.settings, "", 1, 1, message, _FIXES[hit])
            findings.append(finding._replace(severity=binding.severity, rule=binding.rule))
            break  # one finding per ref update: the first rule that forbids it
        return findings


def _protects(binding: Binding, branch: str) -> bool:
    names = binding.param("branches") or DEFAULT_BRANCHES
    return any(fnmatch.fnmatchcase(branch, name.removeprefix("refs/heads/")) for name in names)


def _message(what: str, branch: str) -> str:
    if what == "delete":
        return f"this push deletes the protected branch `{branch}`"
    if what == "force-push":
        return f"this push rewrites the protected branch `{branch}` (a force push)"
    return f"this push updates the protected branch `{branch}` directly"


CHECK = BranchProtectionCheck()
