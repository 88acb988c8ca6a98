"""refactor-explained (AG401): a refactor commit must say what was refactored and why.

## What it does
Reads the message of each commit (commit-msg hook, pushes, ranges). When the subject says
the commit is a refactor — `refactor: ...`, `refactor(scope): ...`, `refactor!: ...`, or a
subject starting with "Refactor" (any case: "Refactored", "refactoring ...") — the message
must have a body (after a blank line, trailers such as `Signed-off-by:` and `#` comment lines
not counted) of at least `min_body_words` words that gives a reason: a word starting with one
of `why_words` ("because", "so that", "avoid", "simplif", "reus", ...; an empty list turns
the test off). This is a heuristic: it catches the missing "why", it cannot judge it.

## Why is this bad?
A refactor changes code without changing behaviour; the reviewer can only check that claim
when the author says what moved where, and why it was worth the churn. The rule file asks an
agent to "explain what was refactored and why": an unexplained refactor cannot be reviewed.

## Example
```
refactor: user service
```

## Fix
Add a body that says what and why:
```
refactor: split UserService into reader and writer

The LLM component only needs reads; splitting the class lets the boundary check
forbid writes from it, so that it can never write to the database.
```
"""

from __future__ import annotations

import re

from agent_guard.changes.model import Commit
from agent_guard.checks.base import Context, MessageUnit, Unit, make_finding
from agent_guard.checks.options import Kind, Option
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

MIN_BODY_WORDS: Option[int] = Option(
    "min_body_words", Kind.INT, 8, "the fewest words a refactor commit's body may have"
)
WHY_WORDS: Option[list[str]] = Option(
    "why_words",
    Kind.STRINGS,
    [
        "because", "so that", "so we", "so it", "in order", "why", "since", "reason",
        "avoid", "allow", "enabl", "improv", "simplif", "easier", "clearer", "faster",
        "reduc", "need", "prepar", "instead", "otherwise", "readab", "duplicat", "reus",
        "maintainab", "testab", "separat", "decoupl", "lets ", "makes",
    ],
    "word stems that give a reason; the body must contain one (an empty list: no test)",
)  # fmt: skip
OPTIONS = (MIN_BODY_WORDS, WHY_WORDS)


class RefactorExplainedCheck:
    """Each commit's message: a refactor must say what and why."""

    unit = Unit.MESSAGE

    def run(self, unit: MessageUnit, context: Context) -> list[Finding]:
        return check_message(unit.commit, context.settings)


CHECK = RefactorExplainedCheck()

_SUBJECT = re.compile(r"\s*refactor(?:\([^)]*\))?!?:|\s*refactor", re.IGNORECASE)
_TRAILER = re.compile(r"[A-Za-z][A-Za-z0-9-]*\s*:\s")
_WORDS = re.compile(r"\w+")


def is_refactor(subject: str) -> bool:
    """True for `refactor:`, `refactor(x):`, `refactor!:` and subjects starting "Refactor"."""
    return _SUBJECT.match(subject) is not None


def message_body(message: str) -> str:
    """The body of a commit message: after the subject paragraph, without comment lines
    and without the final trailer block (`Key: value` lines)."""
    lines = [line for line in message.splitlines() if not line.startswith("#")]
    while lines and not lines[-1].strip():
        lines.pop()
    if "" not in [line.strip() for line in lines]:
        return ""  # a subject (paragraph) only
    start = [line.strip() for line in lines].index("") + 1
    body = lines[start:]
    # the last paragraph is a trailer block when every line in it is `Key: value`
    last_blank = max((i for i, line in enumerate(body) if not line.strip()), default=-1)
    last = body[last_blank + 1 :]
    if last and all(_TRAILER.match(line) for line in last):
        body = body[: last_blank + 1]
    return "\n".join(body).strip()


def _gives_reason(body: str, reasons: list[str]) -> bool:
    """True when a word of the body starts with one of the reason stems."""
    text = " ".join(body.lower().split())
    return any(re.search(r"\b" + re.escape(reason), text) for reason in reasons)


def check_message(commit: Commit, settings: CheckSettings) -> list[Finding]:
    """The finding for a refactor commit whose body does not say what and why (or none)."""
    subject = commit.message.strip().split("\n", 1)[0] if commit.message.strip() else ""
    if not is_refactor(subject):
        return []
    minimum = MIN_BODY_WORDS.value(settings)
    reasons = [word.lower() for word in WHY_WORDS.value(settings)]
    body = message_body(commit.message)
    words = len(_WORDS.findall(body))
    if not body:
        problem = "has no body"
    elif words < minimum:
        problem = f"has a body of {words} word(s), fewer than {minimum}"
    elif reasons and not _gives_reason(body, reasons):
        problem = "has a body that says what changed but not why"
    else:
        return []
    return [
        make_finding(
            settings, "", 1, 1,
            f"refactor commit `{subject.strip()}` {problem}",
            "amend the message (`git commit --amend`): after a blank line, say what was "
            "refactored and why (what it makes clearer, faster or possible)",
            commit=commit.oid,
        )
    ]  # fmt: skip
