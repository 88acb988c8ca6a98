"""How a rule sentence is read: its force, action, targets, scope and exceptions.

A rule file is written for people, so a sentence is read the way a person reads it, by its
structure rather than by a keyword:

- **force**: prohibition ("never", "do not", "no X", "avoid"), obligation ("must", "always",
  a plain imperative), preference ("prefer", "should", "X over Y"), permission ("may", "OK to",
  "you can") or escalation ("ask first", "needs approval");
- **action**: what is done (use/call, import, modify/delete, add, commit, push, access, log);
- **targets**: code tokens (in backticks, or recognisable: `print()`, `a.b()`, `@dataclass`,
  `# type: ignore`), paths and globs, and which side of a contrast they are on ("use X, not
  Y", "X instead of Y": Y is avoided, X preferred);
- **scope**: paths in the sentence or its heading, "in tests", "outside tests", "in
  production code";
- **exceptions**: "unless ...", "except ...", "valid exceptions: ...".

Clauses are read one by one ("Never type with `any`; use `unknown`": one prohibition, one
obligation). A list item inherits the force of the lead-in it belongs to ("Never:", "Ask
first", "Anti-patterns") when it has none of its own. Only English is understood; a sentence
in another script is read as `language_understood=False` and binds nothing by guesswork.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from agent_guard.policy.gate import Gate, contains_any

_FLAGS = re.IGNORECASE

# The force markers. Each is a Gate (agent_guard/policy/gate.py): its needles are words every
# match contains, so the many sentences without them cost a substring test, not a search.
PROHIBIT = Gate(
    r"\b(?<!\bit\s)(?<!which\s)(?<!that\s)(?<!this\s)(?:never|must\s+not|mustn't|do\s+not|"
    r"don't|shall\s+not|may\s+not|not\s+allowed|forbidden|prohibited|disallowed|banned|"
    r"under\s+no\s+circumstances|reject)\b|^\s*no\b|[\s(/]no\s+(?=[`\w])",
    ("no", "n't", "never", "forbidden", "prohibited", "disallowed", "banned", "reject"),
)
PROHIBIT_SOFT = Gate(
    r"\b(?<!to )(?<!order to )(?:avoid\w*|should\s+not|shouldn't|discourag\w*|minimi[sz]e|"
    r"refrain|try\s+not\s+to|"
    r"steer\s+clear)\b",
    ("avoid", "should", "discourag", "minimi", "refrain", "try", "steer"),
)
SHOUTED_NOT = re.compile(r"\bNOT\b")
OBLIGE = Gate(
    r"\b(?:must|always|required|requires?|ensure|need\s+to|needs\s+to|have\s+to|has\s+to|shall|"
    r"mandatory|only)\b",
    ("must", "always", "requir", "ensure", "need", "have", "has", "shall", "mandatory", "only"),
)
PREFER = Gate(
    r"\b(?:prefer\w*|should|recommended|favou?r|ideally|instead\s+of|rather\s+than)\b",
    ("prefer", "should", "recommended", "favo", "ideally", "instead", "rather"),
)
PERMIT = Gate(
    r"\b(?:may|ok(?:ay)?\s+to|is\s+fine|are\s+fine|acceptable|permitted|allow(?:s|ed)?|"
    r"you\s+can|can\s+be|is\s+allowed|are\s+allowed|explicitly\s+allows)\b",
    ("may", "ok", "fine", "acceptable", "permitted", "allow", "can"),
)
ESCALATE = Gate(
    r"\b(?:escalat\w*|approv\w*|ask\s+(?:first|before|the\s+user|a\s+human|for\s+(?:permission|"
    r"approval|review))|check\s+with|confirm\s+with)\b",
    ("escalat", "approv", "ask", "check", "confirm"),
)
EXCEPTION = Gate(
    r"\b(?:unless|(?<![`\w])(?<!bare\s)except(?![`\w])(?!\s+[A-Z(:])(?:\s+(?:for|when|in))?|"
    r"valid\s+exceptions?|other\s+than|only\s+if)\b"
    r"(?P<rest>.*)$",
    ("unless", "except", "valid", "other", "only"),
)
ASKED = Gate(r"\bunless\s+(?:explicitly\s+)?asked", ("unless",))
EXAMPLE_LEAD = Gate(r"^\W*(?:for\s+example|e\.g\.|example:)", ("example", "e.g."))
SOFT_CONTEXT = re.compile(r"avoid|mistake|pitfall|anti.?pattern|discourag|smell|bad\b", _FLAGS)
DONT_CONTEXT = re.compile(
    r"\b(?:don'?ts?|do\s+not|never|forbidden|prohibited|not\s+allowed|reject|banned|must\s+not)\b",
    _FLAGS,
)
ASK_CONTEXT = re.compile(r"\bask\s+(?:first|before)|\bapproval\b|\bescalat", _FLAGS)
IMPERATIVE = re.compile(
    r"^\W*(?:use|add|write|follow|keep|put|place|prefer|include|provide|give|make|annotate|"
    r"type|declare|document|raise|return|catch|handle|log|import|call|pass|run|create|define|"
    r"mark|implement|apply|wrap|stick)\b",
    _FLAGS,
)
NON_LATIN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0400-\u04ff\u0600-\u06ff]")

ACTIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("push", re.compile(r"\b(?:force[- ]?push\w*|push\w*)\b", _FLAGS)),
    ("rewrite", re.compile(r"\b(?:amend\w*|squash\w*|rebas\w*|rewrit\w*\s+history)\b", _FLAGS)),
    ("commit", re.compile(r"\b(?:commit(?:s|ting|ted)?|check\s+in|checked\s+in)\b", _FLAGS)),
    ("import", re.compile(r"\bimport(?:s|ing|ed)?\b", _FLAGS)),
    (
        "modify",
        re.compile(
            r"\b(?:modif\w*|edit\w*|chang(?:e|es|ing)|touch\w*|alter\w*|overwrit\w*|delet\w*|"
            r"remov\w*|renam\w*|hand-edit\w*)\b",
            _FLAGS,
        ),
    ),
    ("add", re.compile(r"\b(?:add\w*|introduc\w*|install\w*|pull\s+in|bring\s+in)\b", _FLAGS)),
    (
        "access",
        re.compile(r"\b(?:access\w*|talk\w*\s+to|reach\w*|query\w*|depend\w*\s+on)\b", _FLAGS),
    ),
    ("log", re.compile(r"\b(?:log|logs|logging|logged|print|prints|printing)\b", _FLAGS)),
    (
        "use",
        re.compile(
            r"\b(?:use|uses|using|used|call\w*|invok\w*|instantiat\w*|raise|raising|type\s+with|"
            r"rely\s+on|employ\w*)\b",
            _FLAGS,
        ),
    ),
)

ACTION_STEMS: dict[str, tuple[str, ...]] = {
    "push": ("push",),
    "rewrite": ("amend", "squash", "rebas", "rewrit"),
    "commit": ("commit", "check"),
    "import": ("import",),
    "modify": ("modif", "edit", "chang", "touch", "alter", "overwrit", "delet", "remov", "renam"),
    "add": ("add", "introduc", "install", "pull", "bring"),
    "access": ("access", "talk", "reach", "query", "depend"),
    "log": ("log", "print"),
    "use": ("use", "using", "call", "invok", "instantiat", "rais", "type", "rely", "employ"),
}

CODE_SPAN = re.compile(r"`([^`\n]+)`")
# Code recognisable without backticks: dotted calls, calls, decorators, pragma comments.
BARE_CODE = re.compile(  # `(?:(?=[@#])|\b)` implied by the lookbehind, but fails faster
    r"(?:(?=[@#])|\b)(?<![\w.`/@])(?:(?<!of\s)(?<!by\s)@[A-Za-z_][\w.]*|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+(?:\([^()\s]*\))?|"
    r"[A-Za-z_]\w*\([^()\s]*\)|#\s*(?:type:\s*ignore|noqa|pragma:\s*no\s+cover)|"
    r"[A-Z][A-Za-z]*(?:Error|Exception|Middleware|View|Client|Case)|"
    r"[a-z]+_[a-z_]*[a-z])(?![\w`])"
)
PATH_TOKEN = re.compile(
    r"^(?:\.?/)?(?:[\w*.@{}<>-]+/)*[\w*.{}<>-]*(?:/|\*\*?|\.(?:py|pyi|toml|cfg|ini|ya?ml|json|sql|"
    r"lock|txt|md|mdc|rst|sh|js|jsx|ts|tsx|go|cookies|ipynb|html|css))$|^\.env(?:\.\w+)?$|"
    r"^\*\.[\w]+$"
)
COMMAND_WORDS = frozenset({
    "pip", "uv", "uvx", "npm", "npx", "pnpm", "yarn", "make", "git", "pytest", "python",
    "python3", "poetry", "docker", "breeze", "prek", "pre-commit", "ruff", "mypy", "gh", "go",
    "cargo", "node", "bun", "tox", "nox", "just", "hatch", "pdm", "conda", "brew", "curl",
    "grep", "rg", "sed", "awk", "rm", "cd", "ls", "cat", "find", "echo", "export", "source",
})  # fmt: skip

TESTS_IN = re.compile(
    r"\b(?:in|inside|within|for|from)\s+(?:the\s+|your\s+|all\s+)?(?:unit\s+)?tests?\b(?!\s+"
    r"(?:pass|fail|run))|\bin\s+test\s+(?:files|code|functions|modules|suites?)\b|"
    r"^\s*(?:async\s+)?tests?\b.{0,12}:|\btest\s+code\b|\btest\s+function",
    _FLAGS,
)
TESTS_OUT = re.compile(
    r"\b(?:outside(?:\s+of)?\s+(?:the\s+)?tests?(?:\s+files|\s+code)?|in\s+production(?:\s+code)?|"
    r"production\s+code|non-test\s+code|only\s+in\s+tests)\b",
    _FLAGS,
)
TEST_GLOBS = (
    "tests/**",
    "test/**",
    "**/tests/**",
    "**/test_*.py",
    "**/*_test.py",
    "**/conftest.py",
)
HEADING_PATH = re.compile(r"\(([^()]*[/*][^()]*)\)")
OTHER_LANGUAGES = re.compile(
    r"\b(?:typescript|javascript|react|jsx|tsx|node\.?js|vue|angular|svelte|golang|go\s+code|"
    r"rust|java|kotlin|swift|c\+\+|c#|frontend|css|html)\b|\.tsx?\b|\.jsx?\b",
    _FLAGS,
)
OTHER_LANGUAGE_WORDS = Gate(
    OTHER_LANGUAGES.pattern,
    ("script", "react", "jsx", "tsx", "node", "vue", "angular", "svelte", "go", "rust", "java",
     "kotlin", "swift", "c++", "c#", "frontend", "css", "html", ".ts", ".js"),
)  # fmt: skip
TS_JS = Gate(r"\.tsx?\b|\.jsx?\b", (".ts", ".js"), 0)
NON_PYTHON_GLOB = re.compile(
    r"\.(?:tsx?|jsx?|mjs|cjs|vue|svelte|go|rs|java|kt|swift|css|scss|html)\b"
)


class Clause(NamedTuple):
    """One clause's force and the code it names, on the avoided or the preferred side.

    Clause and Reading are named tuples, immutable as a frozen dataclass is (readings are
    cached and shared), but built in a third of the time: a cold compile builds thousands."""

    text: str
    force: str
    avoided: tuple[str, ...]
    preferred: tuple[str, ...]


class Reading(NamedTuple):
    """What a sentence says, as far as the grammar can tell (see the module docstring)."""

    text: str
    force: str  # prohibition | obligation | preference | permission | escalation | none
    strength: str | None  # "block" | "warn" | "escalate" | None (the check's default)
    action: str | None
    avoided: tuple[str, ...]  # code on the forbidden side
    preferred: tuple[str, ...]  # code on the prescribed side
    paths: tuple[str, ...]  # files and folders named, as written
    include: tuple[str, ...]  # scope: where the rule applies (empty: the file's scope)
    exclude: tuple[str, ...]
    exception: str  # the "unless ..." part, as written ("" when none)
    language: str  # "python" | "other" | "any"
    language_understood: bool
    inherited: bool  # the force came from a lead-in or heading, not the sentence
    clauses: tuple[Clause, ...]
    main: str = ""  # the sentence before its exception, emphasis markers removed

    @property
    def forbids(self) -> bool:
        return self.force in ("prohibition", "escalation") or bool(self.avoided)

    def explain(self) -> str:
        parts = [f"force {self.force}" + (" (inherited)" if self.inherited else "")]
        if self.action:
            parts.append(f"action {self.action}")
        if self.avoided:
            parts.append("avoided " + ", ".join(self.avoided))
        if self.preferred:
            parts.append("preferred " + ", ".join(self.preferred))
        if self.paths:
            parts.append("paths " + ", ".join(self.paths))
        if self.include or self.exclude:
            scope = ", ".join(self.include) + "".join(f", not {p}" for p in self.exclude)
            parts.append("scope " + scope.strip(", "))
        if self.exception:
            parts.append(f"exception {self.exception!r}")
        if self.language != "any":
            parts.append(f"language {self.language}")
        return "; ".join(parts)


@lru_cache(maxsize=8192)
def read(
    text: str, context: str = "", tag_path: str = "", file_globs: tuple[str, ...] = ()
) -> Reading:
    """Read one rule sentence in the light of its lead-ins, headings and file globs.

    Cached: rule files repeat themselves, and a Reading is frozen, so the same sentence in
    the same place is read once."""
    plain = text.replace("**", "").replace("__", "")
    low = plain.lower()  # lowered once, for every gate the sentence meets
    understood = plain.isascii() or not NON_LATIN.search(_without_code(plain, ""))
    found = EXCEPTION.search(plain, low)
    force, strength = _force(plain, found, low)
    if EXAMPLE_LEAD.search(plain, low):
        force, strength = "none", None  # an example of a rule, not a rule
    clauses = tuple(_clauses(plain, force, low))
    inherited = False
    if force in ("none", "obligation") and context:
        for lead in reversed(context.replace("**", "").split(" / ")[-2:]):
            if len(lead.split()) > 12:
                break  # a whole sentence before a list lends it no force
            lent, lent_strength = _context_force(lead)
            if lent != "none" and (force == "none" or not OBLIGE.search(plain, low)):
                force, strength, inherited = lent, lent_strength, True
                break
            if lent != "none":
                break
    if force == "none":
        last = last_heading(tag_path)
        force, strength = _context_force(last)
        inherited = force != "none"
    if force == "none" and IMPERATIVE.match(plain):
        force = "obligation"
    avoided = tuple(dict.fromkeys(t for c in clauses for t in c.avoided))
    preferred = tuple(dict.fromkeys(t for c in clauses for t in c.preferred if t not in avoided))
    if force in ("prohibition", "escalation") and not avoided and inherited:
        avoided = tuple(t for t in _code_targets(plain, low) if not _is_path(t))
    exception = ""
    main = plain
    if found:
        exception = found[0].strip()
        main = plain[: found.start()]
    include, exclude = _scope(plain, tag_path, low)
    return Reading(
        text=text,
        force=force,
        strength=strength,
        action=_action(plain, low),
        avoided=avoided,
        preferred=preferred,
        paths=tuple(dict.fromkeys(t for t in _all_tokens(plain) if _is_path(t))),
        include=include,
        exclude=exclude,
        exception=exception,
        language=_language(plain, tag_path, file_globs, low),
        language_understood=understood,
        inherited=inherited,
        clauses=clauses,
        main=main,
    )


def clear_caches() -> None:
    """Forget every sentence and heading read so far (a benchmark's cold start)."""
    for cached in (read, last_heading, _context_force, _heading_scope, _other_language, _is_path,
                   _code_replaced):  # fmt: skip
        cached.cache_clear()
    _globs_language.cache_clear()


LAST_HEADING = re.compile(r"(?:^|/)([^/]*\([^()]*\)|[^/]*)$")


@lru_cache(maxsize=1024)
def last_heading(tag_path: str) -> str:
    """The nearest heading of a tag path (headings are joined by "/", and may hold one).
    Cached: every sentence of a section asks it of the same tag path."""
    found = LAST_HEADING.search(tag_path)
    return found[1] if found else tag_path


_UNSEEN = object()


def _force(
    text: str, exception: object = _UNSEEN, low: str | None = None
) -> tuple[str, str | None]:
    """The sentence's own force (the first marker decides between strong and soft).
    `exception` is `EXCEPTION.search(text)` and `low` is `text.lower()` when the caller has
    them already."""
    if low is None:
        low = text.lower()
    if ESCALATE.search(text, low) and not ASKED.search(text, low):
        return "escalation", "escalate"
    found = EXCEPTION.search(text, low) if exception is _UNSEEN else exception
    before_exception, before_low = text, low
    if isinstance(found, re.Match):
        before_exception = text[: found.start()]
        before_low = before_exception.lower()
    permit = PERMIT.search(before_exception, before_low)
    hard = PROHIBIT.search(before_exception, before_low) or (
        SHOUTED_NOT.search(before_exception) if "NOT" in before_exception else None
    )
    soft = PROHIBIT_SOFT.search(before_exception, before_low)
    if permit and not hard and not soft:
        return "permission", None
    marks = [(m.start(), kind) for m, kind in ((hard, "hard"), (soft, "soft")) if m]
    if marks:
        kind = min(marks)[1]
        return "prohibition", "block" if kind == "hard" else "warn"
    oblige, prefer = OBLIGE.search(text, low), PREFER.search(text, low)
    if oblige and (prefer is None or oblige.start() < prefer.start()):
        return "obligation", "block"
    if prefer:
        return "preference", "warn"
    return "none", None


ALLOW_CONTEXT = re.compile(
    r"^\W*(?:allowed|permitted|ok|okay|fine|acceptable)\b|^\W*(?:valid\s+)?exceptions?\s*:?\W*$|"
    r"\b(?:may|can)\s*:?\W*$",
    _FLAGS,
)


@lru_cache(maxsize=1024)
def _context_force(lead: str) -> tuple[str, str | None]:
    """The force a lead-in or heading gives the items below it ("Never:", "Ask first").
    Cached: the items of one list share their lead-in."""
    if ALLOW_CONTEXT.search(lead):
        return "permission", None
    if ASK_CONTEXT.search(lead):
        return "escalation", "escalate"
    if DONT_CONTEXT.search(lead):
        return "prohibition", "block"
    if SOFT_CONTEXT.search(lead):
        return "prohibition", "warn"
    return "none", None


# The look-ahead holds the first character of every alternative: a position without one
# fails at once instead of trying each (the split runs twice as fast, on the same cuts).
CLAUSE_SPLIT = Gate(
    r"(?=[;,\s\u2014\u2013])(?:;|\s*[\u2014\u2013]\s*|\s-\s|\s\u2192\s|\s->\s|"
    r",\s+(?=(?:but|and\s+use|if|use|prefer|instead)\b)|,\s+(?=(?i:never|do\s+not|don't|always)\b))",
    (";", "\u2014", "\u2013", "-", "\u2192", ","),
    0,
)
CONTRAST = Gate(
    r"(?:,\s*|\()(?:not|never)\s+(?P<a>.+)$|\b(?:instead\s+of|rather\s+than|over)\s+(?P<b>.+)$",
    ("not", "never", "instead", "rather", "over"),
)
PAIR = Gate(
    r"`([^`]+)`\s+(?:over|instead\s+of|rather\s+than)\s+`([^`]+)`", ("over", "instead", "rather")
)
WITHOUT = Gate(r"^(?P<head>.*?)\bwithout\b(?P<tail>.*)$", ("without",))
ONE_WORD = re.compile(r"^\s*([a-z_][\w.]*)\s*[.)]?\s*$")
USE_WORD = Gate(r"\buse\s+[a-z_][\w.]*\s*$", ("use",))


def _clauses(text: str, whole: str, low: str) -> list[Clause]:
    """The clauses of a sentence (`low` is `text.lower()`), each with its own force when
    the sentence has several (`whole` is the sentence's force)."""
    clauses: list[Clause] = []
    parts = CLAUSE_SPLIT.pattern.split(text) if CLAUSE_SPLIT.possible(text, low) else [text]
    for part in parts:
        if not part.strip():
            continue
        part_low = low if len(parts) == 1 else part.lower()
        force = whole if len(parts) == 1 else _force(part, low=part_low)[0]
        avoided: list[str] = []
        preferred: list[str] = []
        contrast = CONTRAST.search(part, part_low)
        pairs = PAIR.pattern.findall(part) if "`" in part and PAIR.possible(part, part_low) else []
        without = WITHOUT.search(part, part_low)
        if pairs:
            preferred = [a for a, _ in pairs]
            avoided = [b for _, b in pairs]
        elif without and force == "prohibition":
            conditions = [t for t in _code_targets(without["tail"]) if not _is_path(t)]
            avoided = [
                f"{t} without {c}"
                for t in _code_targets(without["head"])
                if not _is_path(t)
                for c in conditions
            ]  # "never use X without Y": X only with Y
        elif contrast and force != "prohibition" and (force != "none" or len(part.split()) <= 12):
            tail = contrast["a"] or contrast["b"] or ""
            head = part[: contrast.start()]
            avoided = [t for t in _code_targets(tail) if not _is_path(t)]
            preferred = [t for t in _code_targets(head) if not _is_path(t)]
            word = ONE_WORD.match(tail)
            if not avoided and word and USE_WORD.search(head):
                avoided = [word[1]]  # "use anyio, not asyncio": module names

            if not avoided:
                preferred = []
        elif force == "prohibition":
            avoided = [t for t in _code_targets(part, part_low) if not _is_path(t)]
        else:
            preferred = [t for t in _code_targets(part, part_low) if not _is_path(t)]
        clauses.append(Clause(part.strip(), force, tuple(avoided), tuple(preferred)))
    return clauses


def _without_code(text: str, replacement: str) -> str:
    """`text` with its code spans replaced (the text itself when it has none)."""
    return _code_replaced(text, replacement) if "`" in text else text


@lru_cache(maxsize=4)
def _code_replaced(text: str, replacement: str) -> str:
    """Cached for the sentence being read, whose action, language, paths and targets each
    ask for it; four entries, so a sentence seen again later is not served from here."""
    return CODE_SPAN.sub(replacement, text)


def _spans(text: str) -> list[re.Match[str]]:
    return list(CODE_SPAN.finditer(text)) if "`" in text else []


PATH_WORD = re.compile(r"(?<![\w`/.])(?:[\w.-]+/)+(?:[\w.*-]+)?(?![\w`/])")


def _all_tokens(text: str) -> list[str]:
    tokens = [m[1].strip() for m in _spans(text)]
    bare = _without_code(text, " ")
    for match in PATH_WORD.finditer(bare) if "/" in bare else ():
        token = match[0]
        if (
            token.endswith("/")
            or "**" in token
            or (PATH_TOKEN.match(token) and "." in token.rpartition("/")[2])
        ):
            tokens.append(token)  # "and/or", "Request/Response" are words, not paths
    return tokens


EXAMPLE = Gate(r"\((?:e\.g\.|for\s+example|such\s+as)[^()]*\)", ("e.g.", "example", "such"))
NOT_CODE = frozenset({"e.g", "i.e", "etc"})


def _code_targets(text: str, low: str | None = None) -> list[str]:
    """Code named in `text`: code spans (not commands or flags), then recognisable code.
    Examples in parentheses ("(e.g. `x`)") illustrate; they are not what the rule names."""
    if EXAMPLE.possible(text, low):
        text = EXAMPLE.pattern.sub(" ", text)
    targets: list[str] = []
    for match in _spans(text):
        token = match[1].strip()
        first = token.split()[0] if token.split() else ""
        if not token or token.startswith("-") or first in COMMAND_WORDS or first.startswith("$"):
            continue
        targets.append(token)
    bare = _without_code(text, " ")
    if _may_hold_bare_code(bare):
        targets.extend(match[0] for match in BARE_CODE.finditer(bare) if not _is_path(match[0]))
    return list(dict.fromkeys(t for t in targets if t not in NOT_CODE))


# Every BARE_CODE match holds one of these (case as written), or a dot before a name (`a.b`).
BARE_CODE_MARKS = ("@", "#", "_", "(", "Error", "Exception", "Middleware", "View", "Client", "Case")
DOT_NAME = re.compile(r"\.[A-Za-z_]")


def _may_hold_bare_code(text: str) -> bool:
    """Whether BARE_CODE could match `text` at all: most prose holds none of its marks, and
    the search, which tries five shapes of code at every word, costs twenty times the test."""
    if contains_any(text, BARE_CODE_MARKS):
        return True
    return "." in text and DOT_NAME.search(text) is not None


@lru_cache(maxsize=4096)
def _is_path(token: str) -> bool:
    """Whether a token names a file or folder (cached: rule files name the same ones often)."""
    if " " in token.strip():
        return False
    if token.endswith("()") or token.startswith(("@", "#")):
        return False
    if "/" in token and "(" not in token and not token.startswith("//"):
        return True
    if "*" in token and "/" not in token and "." not in token:
        return False  # `test_*`: a name pattern, not a file
    return bool(PATH_TOKEN.match(token)) and ("/" in token or "." in token or "*" in token)


def _action(text: str, low: str | None = None) -> str | None:
    """The first action verb of the sentence's main clause (`low`: `text.lower()`)."""
    first: tuple[int, str] | None = None
    bare = _without_code(text, " ")
    if low is None or bare is not text:
        low = bare.lower()
    for name, pattern in ACTIONS:
        if not contains_any(low, ACTION_STEMS[name]):
            continue  # none of its verbs' stems: skip the search
        found = pattern.search(bare)
        if found and (first is None or found.start() < first[0]):
            first = (found.start(), name)
    return first[1] if first else None


def _scope(text: str, tag_path: str, low: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Where the sentence applies: tests, or outside them, and its heading's paths."""
    include: list[str] = []
    exclude: list[str] = []
    if ("test" not in low and "production" not in low) and "test" not in tag_path.lower():
        pass  # nothing about tests: skip the two searches
    elif TESTS_OUT.search(text):
        exclude.extend(TEST_GLOBS)
    elif TESTS_IN.search(text) or TEST_WORD.search(last_heading(tag_path)):
        include.extend(TEST_GLOBS)
    include.extend(_heading_scope(tag_path))
    return tuple(include), tuple(exclude)


TEST_WORD = re.compile(r"\btest", _FLAGS)


@lru_cache(maxsize=1024)
def _heading_scope(tag_path: str) -> tuple[str, ...]:
    """The paths a last heading names in parentheses ("Router rules (app/routers/**)")."""
    if not tag_path.rstrip().endswith(")"):
        return ()
    headings = HEADING_PATH.findall(tag_path)  # a heading may hold a "/" itself
    if not headings:
        return ()
    return tuple(p.strip().strip("`") for p in headings[-1].split(",") if p.strip())


@lru_cache(maxsize=1024)
def _other_language(text: str) -> bool:
    """Whether a heading path names another language. Cached: a section's sentences share it."""
    return OTHER_LANGUAGES.search(text) is not None


@lru_cache(maxsize=256)
def _globs_language(file_globs: tuple[str, ...]) -> str:
    """The language a rule file's globs give: "other" when all are another language's
    files, "python" when one is Python's, "any" otherwise (or with no globs)."""
    if file_globs and all(NON_PYTHON_GLOB.search(g) and ".py" not in g for g in file_globs):
        return "other"
    if file_globs and any(".py" in g for g in file_globs):
        return "python"
    return "any"


def _language(text: str, tag_path: str, file_globs: tuple[str, ...], low: str) -> str:
    """The language a sentence is about (`low` is `text.lower()`)."""
    by_globs = _globs_language(file_globs)
    if by_globs == "other":
        return "other"
    bare = _without_code(text, " ")
    if OTHER_LANGUAGE_WORDS.search(bare, low if bare is text else None):
        return "other"
    if _other_language(tag_path) or TS_JS.search(text, low):
        return "other"
    return by_globs
