"""From a sentence to a check: the catalog reads rules by meaning, not by exact wording.

Each check has a few case-insensitive keyword patterns that cover the seed's wording and the
ways people paraphrase it ("never use print()", "no print statements, use logging"). The
patterns are data, in one table, so adding a paraphrase is a one-line change with a test.

Severity follows the rule's words: "escalate" -> escalate; "never"/"must"/"do not" -> error;
"avoid"/"prefer"/"should", or a section of mistakes to avoid -> warning; otherwise the check's
default. Besides checks, some rules carry facts the checks need: the files an escalation
rule protects, the components an architecture rule keeps apart, the component that must not
write data. Those are extracted here too, from the same sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent_guard.checks.registry import BY_SLUG
from agent_guard.model import Severity

_FLAGS = re.IGNORECASE | re.DOTALL
NEGATION = (
    r"(?:must\s+never|should\s+never|will\s+never|never|must\s+not|mustn't|should\s+not|"
    r"shouldn't|may\s+not|cannot|can\s+not|can't|does\s+not|doesn't|do\s+not|don't|is\s+not|"
    r"isn't|are\s+not|aren't)"
)
SUBJECT = (
    r"(?P<subject>[A-Za-z][\w-]*)\s+"
    r"(?:(?:layer|code|module|modules|component|service|side|integration)\s+)?"
)

# Each check: patterns of which any one, found anywhere in the rule, means the rule asks for it.
PATTERNS: dict[str, tuple[str, ...]] = {
    "boundary": (
        SUBJECT + NEGATION + r"\s+(?:directly\s+)?(?:talk|speak|call|access|import|depend|"
        r"reach|touch|use|query|communicate|connect)\w*",
        r"architectur\w*\s+(?:boundar\w*|rules?|constraints?|layers?|layering)",
        r"(?:layer|component|module)\s+boundar\w*",
    ),
    "llm-writes": (
        r"\b(?:LLMs?|language\s+models?)\b.{0,40}?" + NEGATION + r"\s+(?:directly\s+)?"
        r"(?:write|persist|mutate|modif|insert|updat|delet|chang|sav)\w*",
        r"\b(?:LLMs?|language\s+models?)\b.{0,40}\bread[- ]only\b",
    ),
    "new-dependency": (
        r"\bstandard\s+library\b",
        r"\bstdlib\b",
        r"\bbuilt-?in\s+(?:functionality|tools|modules|libraries)\b",
        r"\bthird[- ]party\s+(?:librar|packages?|dependenc|modules?)",
        r"\b(?:new|extra|additional|external)\s+(?:dependenc|librar|packages?)",
        r"\b(?:add|introduc|install)\w*\s+(?:a\s+|any\s+)?(?:new\s+)?(?:dependenc|librar|packages?)",
    ),
    "blocking-in-async": (
        r"\bblock\w*\s+(?:the\s+)?(?:asyncio\s+|async\s+)?event[\s-]*loop",
        r"\btime\.sleep\b",
        r"\b(?:synchronous|blocking|sync)\s+(?:I/?O|calls?|requests?|operations?|functions?)\b"
        r".{0,30}\b(?:in|inside|within|from)\s+(?:an?\s+)?(?:async|coroutine)",
    ),
    "async-without-await": (
        r"\basync\w*\b.{0,40}?\bwithout\b.{0,40}?\b(?:I/?O|await\w*|justification|reason)",
        r"\basync\w*\b(?:\s+\w+){0,3}\s+only\s+(?:when|if|for)\b",
        r"\bonly\s+(?:use\s+|make\s+\w+\s+)?async\b.{0,40}?\bI/?O",
        r"\basync\s+(?:functions?|def|handlers?|code)\s+(?:that|which)\s+(?:never|don't|do\s+not)"
        r"\s+await",
        r"\b(?:needless|unnecessary|gratuitous|pointless)\s+(?:use\s+of\s+)?async",
    ),
    "mutable-default": (
        r"\bmutable\s+(?:default|argument|parameter)",
        r"\bdefault\s+(?:arguments?|parameters?|values?)\b.{0,30}\bmutable",
        r"\b(?:lists?|dicts?|dictionaries|sets?)\s+as\s+(?:a\s+)?default",
    ),
    "missing-annotation": (
        r"\b(?:implicit|undocumented|missing|untyped|unannotated|unclear|vague)\b.{0,20}?\btyp"
        r"(?:e|es|ing)\b",
        r"\btype\s+(?:hints?|annotations?)",
        r"\b(?:annotate|type-annotate)\b",
        r"\b(?:fully|strictly|explicitly)\s+typed\b",
    ),
    "import-cycle": (
        r"\bcircular\s+(?:imports?|dependenc\w*|references?)",
        r"\bimport\s+cycles?",
        r"\bcyclic\s+(?:imports?|dependenc\w*)",
    ),
    "logic-in-route": (
        r"\b(?:business|domain|application)\s+logic\b.{0,60}?\b(?:routes?|endpoints?|handlers?|"
        r"views?|controllers?|routers?)\b",
        r"\b(?:routes?|endpoints?|route\s+handlers?|routers?)\b.{0,40}?\b(?:thin|only\s+"
        r"(?:parse|validate|delegate)|delegate)",
        r"\bseparation\s+(?:between|of)\s+routing\b.{0,30}?\bbusiness\s+logic",
    ),
    "secret": (
        r"\b(?:secrets?|credentials?|api[\s_-]?keys?|passwords?|private\s+keys?|access\s+tokens?|"
        r"auth\s+tokens?)\b",
    ),
    "print-call": (
        r"\bprint\s*\(\s*\)",
        r"\bprint\s*\(",
        r"\bprint(?:\s+|-)(?:statements?|calls?|debugging|functions?)\b",
        r"\binstead\s+of\s+print(?:ing)?\b",
        r"\bprint(?:ing)?\b.{0,40}?\b(?:logging|logger)\b",
    ),
    "broad-except": (
        r"\bbroad\s+(?:Exception|except\w*)",
        r"\b(?:catch|catching|swallow\w*|except)\b.{0,15}?\b(?:all|every|any|generic|bare|blanket|"
        r"blind)\s+exceptions?",
        r"\bbare\s+except",
        r"\bexcept\s+(?:Base)?Exception\b",
        r"\b(?:catch|catching|swallow\w*)\s+(?:Base)?Exception\b",
    ),
    "refactor-explained": (
        r"\bexplain\w*\b.{0,40}?\brefactor",
        r"\brefactor\w*\b.{0,80}?\b(?:explain|describe|document|justify|state|say|give)\w*\b.{0,40}?"
        r"\b(?:why|what|reason)",
        r"\bcommit\s+messages?\b.{0,60}?\brefactor",
    ),
}

ESCALATION = re.compile(
    r"\b(?:escalat\w*|approv\w*|sign[- ]?off|permission|ask\w*\s+(?:a\s+human|first|before|"
    r"the\s+lead|for\s+review))",
    _FLAGS,
)
MODIFICATION = re.compile(
    r"\b(?:modif\w*|chang\w*|edit\w*|touch\w*|alter\w*|updat\w*|delet\w*|renam\w*|writ\w*)",
    _FLAGS,
)
FILE_PATH = re.compile(
    r"(?<![\w/.@-])((?:[\w*.-]+/)*[\w*-][\w*.-]*\.(?:py|pyi|toml|cfg|ini|ya?ml|json|sql|lock|"
    r"txt|sh|env|ini|js|ts)|(?:[\w*-][\w*.-]*/)+(?:\*\*?)?)(?![\w/])"
)
BOUNDARY_CLAIM = re.compile(
    SUBJECT + NEGATION + r"\s+(?P<direct>directly\s+)?(?:talk|speak|call|access|import|depend|"
    r"reach|touch|use|query|communicate|connect)\w*(?:\s+(?:to|with|on|into|from))?\s+"
    r"(?:the\s+)?(?P<target>[A-Za-z][\w-]*)(?P<rest>[^.;,)]*)",
    _FLAGS,
)
READ_ONLY_CLAIM = re.compile(
    SUBJECT + NEGATION + r"\s+(?:directly\s+)?(?:write|persist|mutate|modif|insert|updat|delet|"
    r"chang|sav)\w*(?:\s+(?:to|into|in))?\s+(?:the\s+|any\s+)?(?:data|database|db|records?|rows?|"
    r"tables?|state)\b",
    _FLAGS,
)
READ_ONLY_STATEMENT = re.compile(
    r"(?P<subject>[A-Za-z][\w-]*)\s+(?:is|are|must\s+be|should\s+be|stays?|remains?)\s+"
    r"read[- ]only\b",
    _FLAGS,
)
# Words a claim's subject can be that are not component names ("you never write data").
NOT_COMPONENTS = frozenset({
    "you", "we", "i", "it", "this", "that", "they", "he", "she", "one", "which", "who", "code",
    "agent", "agents", "and", "or", "the", "a", "an", "must", "should", "never", "also", "data",
})  # fmt: skip

ESCALATE_WORDS = re.compile(r"\bescalat\w*", _FLAGS)
STRONG_WORDS = re.compile(
    r"\b(?:never|must|mustn't|do\s+not|don't|shall\s+not|forbidden|prohibited|not\s+allowed|"
    r"always|required)\b",
    _FLAGS,
)
SOFT_WORDS = re.compile(
    r"\b(?:avoid\w*|prefer\w*|should|shouldn't|discourag\w*|try\s+to|ideally|recommended)\b",
    _FLAGS,
)
SOFT_SECTION = re.compile(r"avoid|mistake|pitfall|anti.?pattern|discourag|smell", _FLAGS)

# Checks that run whatever the rules say: they protect the policy and the checking itself.
ALWAYS_ON: tuple[str, ...] = (
    "syntax-error",
    "policy-change",
    "suppression-reason",
    "ref-rules",
)

_COMPILED = {slug: tuple(re.compile(p, _FLAGS) for p in ps) for slug, ps in PATTERNS.items()}


@dataclass(frozen=True, slots=True)
class Claim:
    """A fact an architecture rule states about named components, as written."""

    source: str
    target: str | None = None  # None: `source` must not write data
    direct_only: bool = False  # "never talks to Y directly": going through others is fine


def recognise(text: str) -> tuple[str, ...]:
    """The checks a rule asks for, by meaning (order: the catalog's)."""
    slugs = [slug for slug, patterns in _COMPILED.items() if any(p.search(text) for p in patterns)]
    if protected_patterns(text):
        slugs.insert(0, "protected-file")
    return tuple(slugs)


def wording_severity(text: str, tag_path: str) -> Severity | None:
    """The severity the rule's own words give, or None when they say nothing about it.

    Any mention of escalation wins. Otherwise the first directive word decides, so that
    "Prefer the standard library ... only when it must" stays a preference.
    """
    if ESCALATE_WORDS.search(text):
        return Severity.ESCALATE
    strong, soft = STRONG_WORDS.search(text), SOFT_WORDS.search(text)
    if strong and (soft is None or strong.start() < soft.start()):
        return Severity.ERROR
    if soft or SOFT_SECTION.search(tag_path):
        return Severity.WARNING
    return None


def rule_severity(text: str, tag_path: str, checks: tuple[str, ...]) -> Severity:
    """A bound rule's severity: its words, else the highest default of its checks."""
    if not checks:
        return Severity.ADVISORY
    worded = wording_severity(text, tag_path)
    if worded is not None:
        return worded
    return max((BY_SLUG[slug].default_severity for slug in checks), key=lambda s: s.rank)


def protected_patterns(text: str) -> tuple[str, ...]:
    """Glob patterns for the files an escalation rule names ("models.py" -> "**/models.py")."""
    if not (ESCALATION.search(text) and MODIFICATION.search(text)):
        return ()
    return path_patterns(text)


def path_patterns(text: str) -> tuple[str, ...]:
    """Every file or folder named in `text`, as a gitignore-style pattern."""
    patterns: list[str] = []
    for match in FILE_PATH.finditer(text):
        name = match[1].removeprefix("./")
        if name.endswith("/"):
            pattern = name + "**"
        elif "/" not in name:
            pattern = "**/" + name
        else:
            pattern = name
        patterns.append(pattern)
    return tuple(dict.fromkeys(patterns))


def claims(text: str) -> tuple[Claim, ...]:
    """ "X never talks to Y [directly]" and "X never writes data" / "X is read-only"."""
    found: list[Claim] = []
    for match in READ_ONLY_CLAIM.finditer(text):
        if _component_word(match["subject"]):
            found.append(Claim(match["subject"]))
    for match in READ_ONLY_STATEMENT.finditer(text):
        if _component_word(match["subject"]):
            found.append(Claim(match["subject"]))
    for match in BOUNDARY_CLAIM.finditer(text):
        source, target = match["subject"], match["target"]
        if _component_word(source) and _component_word(target):
            direct = bool(match["direct"]) or "directly" in match["rest"].lower()
            found.append(Claim(source, target, direct))
    return tuple(dict.fromkeys(found))


def _component_word(word: str) -> bool:
    return word.lower() not in NOT_COMPONENTS and not word.lower().startswith("e.g")
