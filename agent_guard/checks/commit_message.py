"""commit-message (AG402): a commit message that breaks the project's message rules.

## What it does
Reads what the rule files ask of commit messages (the `commit-message` bindings; see
docs/rules.md) and checks each commit's message (commit-msg hook, pushes, ranges):

- `format: conventional`: the subject is `type(scope)!: description` (Conventional
  Commits); with `types` given ("Types: feat, fix, docs"), the type must be one of them.
  Merge commits, `Revert "..."` and `fixup!`/`squash!`/`amend!` subjects are left alone:
  git writes them;
- `forbid`: no trailer of that name (`Co-Authored-By`), found where
  `git interpret-trailers` finds trailers (a line in the middle of the body is not one);
- `require`: a trailer of that name (`Signed-off-by` for a DCO sign-off).

Names are compared case-insensitively, as git does. What cannot be checked exactly stays
quiet: the language a message is written in, and `attribution` (which trailers count as
attribution is the rule's to say).

A finding is about the commit, not a file: its path is "" and its line 1.

## Why is this bad?
Release notes, changelogs and the DCO read commit messages mechanically: a subject that is
not `type: description` drops out of the changelog, an unsigned commit cannot be merged, and
an attribution trailer the project forbids ends up in its history forever.

## Example
```
Updated the parser

Co-Authored-By: Some Agent <agent@example.com>
```

## Fix
Amend the message (`git commit --amend`, or `git rebase -i` for an older commit):
```
fix(parser): accept empty sections

Signed-off-by: Ada Lovelace <ada@example.com>
```
Where the history cannot be rewritten (a shared branch), fix it in the squash-merge: the
pull request's title becomes the subject and its description the body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent_guard.changes.model import Commit
from agent_guard.checks.base import Context, MessageUnit, Unit, make_finding
from agent_guard.checks.options import Option
from agent_guard.model import Finding
from agent_guard.policy.model import Binding
from agent_guard.verdict import trailers

OPTIONS: tuple[Option[object], ...] = ()

_CONVENTIONAL = re.compile(r"(?P<type>[A-Za-z][\w-]*)(?:\([^()\n]*\))?!?: \S")
_GIT_SUBJECTS = re.compile(r"(?:Merge |Revert \"|fixup! |squash! |amend! )")
_TRAILER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")
_FIX = (
    "amend the message (`git commit --amend`; `git rebase -i` for an older commit); where "
    "the history cannot be rewritten, fix it in the squash-merge title and description"
)


class CommitMessageCheck:
    """Each commit's message against what the rules ask of it."""

    unit = Unit.MESSAGE

    def run(self, unit: MessageUnit, context: Context) -> list[Finding]:
        findings: list[Finding] = []
        for binding in context.policy.bindings_for("commit-message"):
            for message in problems(unit.commit, binding):
                finding = make_finding(context.settings, "", 1, 1, message, _FIX,
                                       commit=unit.commit.oid or None)  # fmt: skip
                findings.append(_with_rule(finding, binding))
        return findings


def _with_rule(finding: Finding, binding: Binding) -> Finding:

    return finding._replace(severity=binding.severity, rule=binding.rule)


CHECK = CommitMessageCheck()


def problems(commit: Commit, binding: Binding) -> Iterable[str]:
    """What is wrong with the commit's message under one binding (one line each)."""
    message = commit.message
    subject = next((line.strip() for line in message.splitlines() if line.strip()), "")
    if "conventional" in binding.param("format") and len(commit.parents) < 2:
        problem = conventional_problem(subject, binding.param("types"))
        if problem:
            yield problem
    found = {token.lower(): token for token, _ in trailers.parse(message)}
    for name in _names(binding.param("forbid")):
        if name.lower() in found:
            yield f"the message has a `{found[name.lower()]}:` trailer, which the rule forbids"
    for name in _names(binding.param("require")):
        if name.lower() not in found:
            yield f"the message has no `{name}:` trailer, which the rule requires"


def conventional_problem(subject: str, types: Iterable[str]) -> str | None:
    """Why `subject` is not a Conventional Commits subject (None when it is)."""
    if _GIT_SUBJECTS.match(subject):
        return None
    match = _CONVENTIONAL.match(subject)
    if match is None:
        return f"subject `{subject[:72]}` is not `type(scope): description` (Conventional Commits)"
    allowed = [t.lower() for t in types]
    if allowed and match["type"].lower() not in allowed:
        return f"subject type `{match['type']}` is not one of the rule's types: " + ", ".join(
            allowed
        )
    return None


# How git and its docs spell the usual trailers (a rule's spelling may vary in case).
_SPELLING = {
    name.lower(): name
    for name in ("Signed-off-by", "Co-authored-by", "Reviewed-by", "Acked-by", "Tested-by")
}


def _names(values: Iterable[str]) -> list[str]:
    """Trailer names a rule gives (`attribution` and anything not a token are skipped)."""
    return [
        _SPELLING.get(value.strip().rstrip(":").lower(), value.strip().rstrip(":"))
        for value in values
        if value.strip().lower() != "attribution"
        and _TRAILER_NAME.fullmatch(value.strip().rstrip(":"))
    ]
