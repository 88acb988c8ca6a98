"""refactor-explained (AG401): a refactor commit must say what was refactored and why.

## What it does
Reads the message of each commit (commit-msg hook, pushes, ranges) that touches a file the
rule's rule file governs (its `globs`, or its folder for a nested rule file; every file for
a rule file without globs or a check enabled by the config alone). When the subject says the
commit is a refactor — `refactor: ...`, `refactor(scope): ...`, `refactor!: ...`, or a
subject starting with "Refactor" (any case, after an emoji or `[tag]`: "♻️ Refactor ...") —
the subject or the body must give a reason; without one, the body (after a blank line,
trailers and `#` comment lines not counted) must have at least `min_body_words` words.

A reason is a cause or purpose clause, however it is worded: a cause ("because", "since",
"due to", "as the API requires", "was duplicated", "no longer used"), a purpose ("so that",
"so the client can ...", "in order to", an infinitive of purpose such as "to deduplicate",
"to fix ..." — not the destination of "move X to Y"), a goal ("for consistency", "for
readability", "for the upcoming ..."), an alignment ("matching the orders page", "in line
with", "consistent with"), a preparation or need ("in preparation for", "prepares", "needed
by", "required for"), an issue it fixes ("fixes #12", "closes ABC-7"), or one of the
`why_words` stems ("avoid", "simplif", "reus", ...; an empty list turns the reason test
off). This is a heuristic: it catches the missing "why", it cannot judge it.

Where the message can no longer be amended (the title of a squash merge, a push the server
judges) the fix says what to do instead.

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
from collections.abc import Sequence

from agent_guard.changes.model import ChangedFile, Commit
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
        "why", "reason", "avoid", "allow", "enabl", "improv", "simplif", "easier", "clearer",
        "faster", "reduc", "need", "prepar", "instead", "otherwise", "readab", "duplicat",
        "reus", "maintainab", "testab", "separat", "decoupl", "lets ", "makes", "prevent",
        "unblock", "clean", "consisten", "robust", "safer", "cleaner", "performan",
    ],
    "word stems that give a reason besides the cause and purpose clauses the check "
    "recognises (an empty list: no reason test, only the body length)",
)  # fmt: skip
OPTIONS = (MIN_BODY_WORDS, WHY_WORDS)


class RefactorExplainedCheck:
    """Each commit's message: a refactor must say what and why."""

    unit = Unit.MESSAGE

    def run(self, unit: MessageUnit, context: Context) -> list[Finding]:
        if not touches_governed_file(unit.files, context):
            return []
        return check_message(unit.commit, context.settings, pushed=context.changes.kind == "push")


CHECK = RefactorExplainedCheck()

# A subject may open with an emoji, a `[tag]` or `:gitmoji:` before the word.
_SUBJECT = re.compile(
    r"(?:[^\w\s]+\s*|\[[^\]]*\]\s*|:[a-z_]+:\s*)*refactor(?:\([^)]*\))?!?:|"
    r"(?:[^\w\s]+\s*|\[[^\]]*\]\s*|:[a-z_]+:\s*)*refactor",
    re.IGNORECASE,
)
_SQUASH_TITLE = re.compile(r"\(#\d+\)\s*$")
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


def touches_governed_file(files: Sequence[ChangedFile] | None, context: Context) -> bool:
    """True when a commit's `files` hold one that a rule binding this check governs (None:
    the files are not known, so the message is judged).

    The rule files' scopes (`RuleFile.globs`: their globs, under their folder when nested)
    say which files their rules are about; a refactor of the frontend is no business of the
    backend's rule file. A configured `include` replaces them; a rule file without globs,
    or a check enabled without a rule, governs every file.
    """
    settings = context.settings
    if files is None:
        return True  # a message without its files (the commit-msg hook): judge it
    paths = [path for file in files for path in file.paths]
    if settings.include:
        return any(settings.applies_to(path) for path in paths)
    scopes = []
    by_path = {rule_file.path: rule_file for rule_file in context.policy.rule_files}
    for rule in settings.rules:
        rule_file = by_path.get(rule.file)
        if rule_file is None or not rule_file.globs:
            return True
        scopes.append(rule_file.globs)
    if not scopes:
        return True
    return any(scope.matches(path) and not settings.exclude.matches(path)
               for scope in scopes for path in paths)  # fmt: skip


# Cause and purpose clauses, however they are worded (see the module docstring). Each is
# a shape of English, not a word: "so" + a clause, "to" + a verb, "for" + an abstract noun.
_REASONS = [
    re.compile(pattern)
    for pattern in (
        r"\b(?:because|since|due to|owing to|given that|now that|thanks to|as a result)\b",
        r"\b(?:in order|so as) to\b",
        r"\bto (?:fix|deduplicate|dedupe|unify|support|handle|match)\b",
        r"\bso\s+(?!far\b|much\b|many\b|called\b|on\b|forth\b)[a-z]",  # so that / so the ...
        r"\bas\b[^.;:]{1,60}?\b(?:requires?|required|needs?|needed|expects?|suggests?|"
        r"recommends?|asked|discussed|agreed|described|documented|proposed|planned)\b",
        r"\bfor\s+(?:the\s+sake\s+of\s+)?(?:better\s+|more\s+|easier\s+|improved\s+)?"
        r"[a-z]+(?:ity|ness|ance|ence|ancy|ency|ment|tion|sion|ing|ure)\b",
        r"\bfor\s+(?:the\s+|a\s+)?(?:future|upcoming|later|next|new|reuse|re-use|clarity)\b",
        r"\b(?:matching|to match|consistent with|in line with|aligns?(?:ed)? with|"
        r"same (?:way|pattern|as)|like the|follows? the|mirrors?)\b",
        r"\b(?:in preparation|prepares?|preparing|ahead of|groundwork|paves? the way|"
        r"first step|step towards?|precursor|needed (?:by|for|in)|required (?:by|for)|"
        r"used by|blocks?|unblocks?)\b",
        r"\b(?:fix(?:es|ed)?|close[sd]?|resolve[sd]?|refs?|see|part of|related to|"
        r"addresse[sd]|towards?)\b\s*:?\s*(?:#\d+|gh-\d+|[a-z][a-z0-9]+-\d+\b|"
        r"https?://\S+/(?:issues|pull)/\d+)",
        r"\b(?:was|were|is|are|had been|has been|got)\s+(?:too\s+|very\s+|getting\s+)?"
        r"(?:hard|difficult|confusing|duplicated|repeated|copied|slow|broken|unused|"
        r"redundant|inconsistent|fragile|messy|unclear|error-prone|outdated|deprecated|"
        r"tangled|coupled|long|complex|complicated|unreadable|untestable)\b",
        r"\b(?:no longer (?:needed|used|required)|dead code|obsolete|leftover|legacy)\b",
    )
]
# Verbs whose "to" names a destination ("move X to Y", "rename a to b"), not a purpose.
_TRANSFER = re.compile(
    r"\b(?:move[sd]?|moving|rename[sd]?|renaming|convert(?:s|ed|ing)?|migrat(?:e|es|ed|ing)|"
    r"switch(?:es|ed|ing)?|chang(?:e|es|ed|ing)|upgrad(?:e|es|ed|ing)|bump(?:s|ed|ing)?|"
    r"port(?:s|ed|ing)?|cop(?:y|ies|ied|ying)|revert(?:s|ed|ing)?|set(?:s|ting)?|"
    r"map(?:s|ped|ping)?|point(?:s|ed|ing)?|pin(?:s|ned|ning)?|add(?:s|ed|ing)?|"
    r"pass(?:es|ed|ing)?|send(?:s|ing)?|sent|from|extract(?:s|ed|ing)?|"
    r"up|down|back|close|next|due|according|related|similar|equal|prior|access|"
    r"attach(?:es|ed|ing)?|appl(?:y|ies|ied)|assign(?:s|ed|ing)?|respond(?:s|ed|ing)?|"
    r"how|what|want(?:s|ed)?|ha(?:ve|s|d)|going|able|used)\s*$"
)
_TO_WORD = re.compile(r"\bto\s+([a-z]{3,})\b(?![._/(`-])")
_NOT_A_VERB = frozenset(
    {"the", "its", "their", "our", "this", "that", "these", "those", "your", "his", "her",
     "all", "each", "every", "one", "two", "some", "any", "new", "old", "use", "main",
     "master", "latest", "version"}
)  # fmt: skip


def _purpose_infinitive(text: str) -> bool:
    """True for "to" + a verb that is not the destination of a transfer ("move X to Y").

    Only the first "to" after a transfer verb in a clause is its destination: in "move the
    helpers to utils to avoid ..." the second one is a purpose.
    """
    for match in _TO_WORD.finditer(text):
        if match.group(1) in _NOT_A_VERB:
            continue
        clause = re.split(r"[.;:!?](?=\s|$)|,|\bto\b", text[: match.start()])[-1]
        words = clause.split()
        if _TRANSFER.search(" ".join(words[-6:])) or any(
            _TRANSFER.search(word) for word in words[-6:]
        ):
            continue
        return True
    return False


def _gives_reason(text: str, reasons: list[str], *, infinitives: bool = True) -> bool:
    """True when `text` has a cause or purpose clause, or a word with a reason stem.

    `infinitives` off for a subject: "Refactor the tests to create X in setUp()" names
    what the refactor does; its purpose needs a reason word ("to simplify", "to fix").
    """
    flat = " ".join(text.lower().split())
    if any(pattern.search(flat) for pattern in _REASONS):
        return True
    if infinitives and _purpose_infinitive(flat):
        return True
    return any(re.search(r"\b" + re.escape(reason), flat) for reason in reasons)


def check_message(
    commit: Commit, settings: CheckSettings, *, pushed: bool = False
) -> list[Finding]:
    """The finding for a refactor commit whose message does not say what and why.

    `pushed`: the server judges it (the author rewords it locally and pushes again).
    """
    subject = commit.message.strip().split("\n", 1)[0] if commit.message.strip() else ""
    if not is_refactor(subject):
        return []
    minimum = MIN_BODY_WORDS.value(settings)
    reasons = [word.lower() for word in WHY_WORDS.value(settings)]
    body = message_body(commit.message)
    words = len(_WORDS.findall(body))
    # a subject without its "refactor:" word: "Refactor X to ..." gives the reason there
    rest = _SUBJECT.sub("", subject, count=1)
    if reasons and (
        _gives_reason(rest, reasons, infinitives=False) or _gives_reason(body, reasons)
    ):
        return []
    if not body:
        problem = "has no body and its subject gives no reason"
    elif words < minimum:
        problem = f"has a body of {words} word(s), fewer than {minimum}, and no reason"
    elif reasons:
        problem = "has a body that says what changed but not why"
    else:
        return []
    return [
        make_finding(
            settings, "", 1, 1,
            f"refactor commit `{subject.strip()}` {problem}",
            _fix(subject, pushed),
            commit=commit.oid,
        )
    ]  # fmt: skip


def _fix(subject: str, pushed: bool) -> str:
    why = "say what was refactored and why (what it makes clearer, faster or possible)"
    if _SQUASH_TITLE.search(subject):
        return (
            "this is the title of a squash merge, which cannot be amended once merged: "
            f"next time {why} in the pull request's description (GitHub uses it as the "
            "body); for this one, explain it in the pull request or a follow-up commit"
        )
    if pushed:
        return (
            "the server refused this push, so the commit is not published yet: reword it "
            f"(`git rebase -i`, `reword`, or `git commit --amend` for the last one), {why}, "
            "and push again"
        )
    return f"amend the message (`git commit --amend`): after a blank line, {why}"
