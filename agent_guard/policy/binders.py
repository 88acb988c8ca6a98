"""From a read sentence to the checks it asks for, each with its parameters.

Each check has one small binder: a function of the sentence's `Reading` (force, action,
targets, scope) that returns the check's parameters, or None when the sentence does not ask
for it. A binder never fires on a sentence that permits, prescribes or merely mentions the
thing its check forbids: "always add it to requirements.txt" is not a rule against adding
dependencies, "use the helpers in `x.py`" does not protect `x.py`, "OK to print in CLIs" does
not ban `print()`.

Parameters are what the check module needs (see docs/rules.md, "Bindings"):

- banned-code: `targets` (calls, attributes, names, statements, comments, pseudo-targets
  such as `relative-import`, `import-in-function`, `star-import`), `language`;
- protected-file: `paths` (gitignore-style patterns), or none when the rule names a kind of
  file ("generated files") rather than a path;
- boundary: `from` (paths), `forbid` / `allowed` (module prefixes), `to`, `allowed_from`;
- commit-message: `format` (conventional), `types`, `require` / `forbid` (trailers),
  `language`;
- branch-protection: `forbid` (push, force-push, rewrite, commit, delete, destructive),
  `branches`;
- docstring: `scope` (public), `style`;
- new-dependency / secret and today's checks: no parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from agent_guard.policy import catalog
from agent_guard.policy.gate import Gate, contains_any
from agent_guard.policy.grammar import CODE_SPAN, Reading, _is_path

_F = re.IGNORECASE
Params = dict[str, tuple[str, ...]]

# Checks the compiler binds that have no check module yet: bound (and shown) but not run.
NEW_CHECKS: dict[str, str] = {
    "banned-code": "warning",
    "commit-message": "error",
    "branch-protection": "error",
    "docstring": "warning",
}
# Checks that only understand Python: never bound to a rule about other languages.
PYTHON_ONLY = frozenset({
    "mutable-default", "print-call", "broad-except", "blocking-in-async", "async-without-await",
    "missing-annotation", "logic-in-route", "llm-writes", "import-cycle", "new-dependency",
    "docstring",
})  # fmt: skip

# Constructs recognised by name, without backticks -> the target a ban carries. Each pattern
# is a Gate: the words after it are ones every match contains (see policy/gate.py).
CONSTRUCTS: tuple[tuple[Gate, str], ...] = tuple(
    (Gate(pattern, needles), target)
    for pattern, needles, target in (
        (r"\bassert(?:s|ions?)?\b(?!\s+(?:that|call|the))", ("assert",), "assert"),
        (r"\beval\s*\(|\beval\b(?=\s*(?:or|and|,|\.|$))", ("eval",), "eval"),
        (r"\b(?:star|wildcard)\s+imports?\b|\bimport\s+\*", ("import",), "star-import"),
        (r"\brelative\s+imports?\b", ("relative",), "relative-import"),
        (
            r"\b(?:deferred|inline|local|lazy|nested|function[- ]level|conditional)\s+imports?\b|"
            r"\bimports?\s+inside\s+(?:a\s+)?functions?\b",
            ("import",),
            "import-in-function",
        ),
        (r"#\s*type:\s*ignore", ("ignore",), "# type: ignore"),
        (r"#\s*noqa\b", ("noqa",), "# noqa"),
        (r"#\s*pragma:\s*no\s+cover", ("pragma",), "# pragma: no cover"),
        (r"\bany\s+types?\b|\btype\s+with\s+`?any`?", ("any",), "Any"),
        (r"\braw\s+SQL\b", ("raw",), "raw-sql"),
        (r"\bdefault\s+exports?\b", ("default",), "export default"),
        (r"\bbarrel\s+files?\b", ("barrel",), "barrel-file"),
        (r"\bglobal\s+(?:variables?|state)\b", ("global",), "global"),
        (
            r"\b(?:conditions|conditionals|branching|if[- ]statements)\b.{0,20}\btests?\b",
            ("condition", "branching", "statements"),
            "if-in-test",
        ),
        (r"\bf-strings?\b.{0,30}\blog", ("f-string",), "f-string-in-log"),
        (r"\bunittest\b", ("unittest",), "unittest"),
    )
)
# What using X everywhere rules out (a prescription that names its alternative by convention).
ALTERNATIVES: tuple[tuple[Gate, str], ...] = tuple(
    (Gate(pattern, needles), target)
    for pattern, needles, target in (
        (r"\bpathlib\b", ("pathlib",), "os.path"),
        (r"\babsolute\s+imports?\b", ("absolute",), "relative-import"),
        (
            r"\b(?:top[- ]level\s+imports?|imports?\s+(?:go\s+)?at\s+(?:the\s+)?top)\b",
            ("import",),
            "import-in-function",
        ),
    )
)
PSEUDO_TARGETS = frozenset(target for _, target in (*CONSTRUCTS, *ALTERNATIVES))
COMMAND_TARGET = re.compile(r"^(?:pip|uv|npm|make|git|pytest|python|--)\b")


def bind(reading: Reading, context: str = "") -> list[tuple[str, Params]]:
    """The (check, params) pairs the sentence asks for, in a stable order."""
    if not reading.language_understood:
        return []
    found: list[tuple[str, Params]] = []
    words = (reading.text + " " + context).lower()
    permission = reading.force == "permission"
    other_language = reading.language == "other"
    for check, binder, trigger, python_only in _PLAN:
        if permission and check != "boundary":
            continue  # what a rule permits is never forbidden; an allow-list is a boundary
        if trigger is not None and not contains_any(words, trigger):
            continue  # none of the words this check's binder looks for: skip it cheaply
        if python_only and other_language:
            continue
        params = binder(reading, context)
        if params is not None:
            found.append((check, params))
    checks = {check for check, _ in found}
    if checks & SPECIFIC:  # `time.sleep`, `print()`, `except Exception` have their own check
        kept: list[tuple[str, Params]] = []
        for check, params in found:
            if check != "banned-code":
                kept.append((check, params))
                continue
            targets = tuple(t for t in params["targets"] if not _owned(t))
            if targets:
                kept.append((check, {**params, "targets": targets}))
        found = kept
    return found


def _owned(target: str) -> bool:
    """Constructs an existing check already enforces (they are not banned twice)."""
    return (
        _is_print(target)
        or _is_except(target)
        or target.startswith("time.sleep")
        or ("=" in target and EMPTY_DEFAULT.search(target) is not None)
    )


# Words without which a binder cannot fire: a substring test (lower case) before its real
# reading, so that the many sentences about nothing a check knows cost next to nothing.
TRIGGERS: dict[str, tuple[str, ...]] = {
    "boundary": ("import", "boundar", "mix", "direct", "architect", "talk", "speak",
                 "communicat", "connect", "depend", "reach", "/"),
    "llm-writes": ("llm", "language model", "read-only", "read only"),
    "new-dependency": ("depend", "deps", "librar", "lib", "package", "stdlib",
                       "standard library", "justify", "install", "built"),
    "blocking-in-async": ("block", "sleep", "sync"),
    "async-without-await": ("async",),
    "mutable-default": ("mutable", "default"),
    "missing-annotation": ("typ", "annotat", "hint"),
    "import-cycle": ("circular", "cycl"),
    "logic-in-route": ("logic", "route", "endpoint", "handler", "thin"),
    "secret": ("secret", "credential", "key", "password", "token", "placeholder"),
    "print-call": ("print",),
    "broad-except": ("except",),
    "refactor-explained": ("refactor",),
    "commit-message": ("commit", "co-authored", "signed", "sign-off", "sign off", "dco", "type",
                       "trailer"),
    "branch-protection": ("push", "amend", "squash", "rebas", "rewrit", "destructive", "branch",
                          "commit"),
    "docstring": ("docstring",),
}  # fmt: skip
EMPTY_DEFAULT = re.compile(r"=\s*(?:\[\]|\{\})")
SPECIFIC = frozenset({"print-call", "broad-except", "blocking-in-async", "mutable-default"})


def _text(reading: Reading) -> str:
    return reading.text.replace("**", "").replace("__", "")


def _main(reading: Reading) -> str:
    """The sentence before its exception ("unless ...", "valid exceptions: ...")."""
    return reading.main


# --- the new checks -------------------------------------------------------------------------


def _banned_code(reading: Reading, context: str) -> Params | None:
    text = _main(reading)
    plain = _unquoted(text)
    low = plain.lower()
    targets = [t for t in reading.avoided if _construct(t)]
    tests_only = TESTS_ONLY.search(plain, low)
    if tests_only:
        targets += _constructs(tests_only[1])
    if reading.forbids:
        if reading.action in ("commit", "push", "rewrite") or (
            reading.action == "modify" and reading.paths
        ):
            return None
        prohibited = " ".join(c.text for c in reading.clauses if c.force == "prohibition") or plain
        targets += _constructs(_unquoted(prohibited))
    elif reading.force in ("obligation", "preference", "none"):
        targets += [t for p, t in ALTERNATIVES if p.search(plain, low)]
        tail = _contrast_tail(plain, low)  # "prefer explicit imports over star imports"
        if tail:
            targets += _constructs(tail)
    if reading.inherited and reading.force == "prohibition" and not targets:
        head = ARROW.split(plain)[0]
        code = list(_leading_code(head))
        targets += code
    targets = [
        t
        for t in dict.fromkeys(targets)
        if not _is_print(t) and not _is_except(t) and (t in PSEUDO_TARGETS or _construct(t))
    ]
    targets = [t for t in targets if not any(o.startswith(t + "(") for o in targets)]
    if not targets or _only_imports(targets, plain) or IMPORT_LIST.search(plain, low):
        return None
    if FROM_IMPORT.match(plain):
        return None  # `from x import y` in a list of mistakes: a boundary
    return {"targets": tuple(targets), **_scope(reading), "language": (reading.language,)}


TESTS_ONLY = Gate(
    r"\b(asserts?|assertions?|mocks?|print\w*)\s+only\s+in\s+tests\b", ("assert", "mock", "print")
)
ARROW = re.compile(r"\s[\u2192]\s|\s->\s")
CONTRAST_TAIL = Gate(
    r"(?:,\s*|\()not\s+(.+)$|\b(?:instead\s+of|rather\s+than|over)\s+(.+)$",
    ("not", "instead", "rather", "over"),
    0,
)
LEADING_CODE = re.compile(r"^\W*((?:[A-Za-z_][\w]*\.)*[A-Za-z_]\w*\([^)]*\)(?:\.\w+\([^)]*\))*)")
IMPORT_STATEMENT = re.compile(r"^(?:from\s+\S+\s+)?import\s")
COMMAND_FLAG = re.compile(r"\s--?[A-Za-z]")
SCRIPT_RUN = re.compile(r"^[\w./-]+\.(?:py|sh)\s")
PLAIN_WORDS = re.compile(r"[\w-]+\s[\w\s-]+")
EXCEPT_TOKEN = re.compile(r"^except\b")
PRINT_TOKEN = re.compile(r"print(?:\s*\(.*\))?")


def _unquoted(text: str) -> str:
    """`text` with its code spans' backticks removed (their code kept)."""
    return CODE_SPAN.sub(lambda m: m[1], text) if "`" in text else text


def _constructs(text: str) -> list[str]:
    """The constructs `text` names (CONSTRUCTS), the text lowered once for all their gates."""
    low = text.lower()
    return [target for gate, target in CONSTRUCTS if gate.search(text, low)]


def _contrast_tail(text: str, low: str | None = None) -> str:
    found = CONTRAST_TAIL.search(text, low)
    return (found[1] or found[2]) if found else ""


def _leading_code(text: str) -> list[str]:
    """Code an anti-pattern item starts with (`db.query(...) inside a router`)."""
    found = LEADING_CODE.match(text)
    return [found[1]] if found else []


def _only_imports(targets: list[str], text: str) -> bool:
    """`from x import y` statements are boundaries, not banned code."""
    return all(IMPORT_STATEMENT.match(t) for t in targets)


def _construct(token: str) -> bool:
    token = token.strip()
    if not token or COMMAND_TARGET.match(token) or _is_path(token):
        return False
    if COMMAND_FLAG.search(token) or SCRIPT_RUN.match(token):
        return False  # a command line (`tool --flag`, `script.py args`), not code
    return not PLAIN_WORDS.fullmatch(token)  # plain words are not code


def _is_except(token: str) -> bool:
    return EXCEPT_TOKEN.match(token.strip()) is not None


def _is_print(token: str) -> bool:
    return PRINT_TOKEN.fullmatch(token.strip()) is not None


MIGRATIONS = re.compile(r"\bmigrations?\b", _F)
GENERATED = re.compile(
    r"\bgenerated\s+(?:\w+\s+)?(?:files?|code|docs|folders?)\b|\bgeneration\s+workflow|\bmanaged\s+by\b",
    _F,
)
PRECOMMIT_CONFIG = re.compile(r"\bpre-commit\s+(?:hook\s+)?config", _F)


def _protected_file(reading: Reading, context: str) -> Params | None:
    if reading.force not in ("prohibition", "escalation"):
        return None
    text = _main(reading)
    forbidding = [c.text for c in reading.clauses if c.force in ("prohibition", "escalation")]
    action = (_clause_action(" ".join(forbidding)) if forbidding else None) or reading.action
    if action not in ("modify", "add", "commit"):
        action = _context_action(context) or action
    if action not in ("modify", "add", "commit"):
        return None
    if reading.avoided and not reading.paths and not GENERATED.search(text):
        return None  # a construct, not a file
    condition = re.match(r"^\W*(?:when|if|before|after|while)\b[^,]*,", text, _F)
    generator = re.search(r"\bgenerated\s+(?:by|with|from)\s+\S+", text, _F)
    forbidden_text = " ".join(forbidding) if len(reading.clauses) > 1 and forbidding else text
    without = re.search(r"\bwithout\b.*$", forbidden_text, _F)
    paths = [
        p
        for p in reading.paths
        if not (condition and p in condition[0])
        and not (generator and p in generator[0])
        and not (without and p in without[0])  # "never X without updating `y`": y is asked for
        and p in forbidden_text
    ]
    if generator and not paths and re.search(r"\b(?:do\s+not|don't|never)\s+edit\b", text, _F):
        return {"paths": ("{file}",)}  # a generated file that says so about itself
    if re.search(r"\bthis\s+(?:rule\s+)?file\b", text, _F) and action == "modify":
        return {"paths": ("{file}",)}
    patterns = _patterns(paths, text, action)
    if not patterns:  # bare file names ("models.py or schemas.py")
        patterns = [p for p in catalog.path_patterns(CODE_SPAN.sub(" ", text)) if "/" in p]
    if PRECOMMIT_CONFIG.search(text):
        patterns.append(".pre-commit-config.yaml")
    if not patterns and MIGRATIONS.search(text) and action == "modify":
        patterns.append("**/migrations/**")
    if patterns:
        return {"paths": tuple(dict.fromkeys(patterns))}
    if GENERATED.search(text) or GENERATED.search(context):
        return {}
    return None


def _clause_action(text: str) -> str | None:
    from agent_guard.policy.grammar import _action

    return _action(text)


def _context_action(context: str) -> str | None:
    from agent_guard.policy.grammar import _action

    for lead in reversed(context.split(" / ")):
        action = _action(lead)
        if action:
            return action
    return None


def _patterns(paths: list[str], text: str, action: str | None) -> list[str]:
    """Gitignore-style patterns for the paths a rule protects."""
    noun = None
    if action == "add":  # "never add newsfragments for `providers/`": what is added, where
        found = re.search(
            r"\badd\w*\s+(?:new\s+|any\s+)?(?:[a-z][\w-]*\s+)?([a-z][\w-]*s)\s+(?:for|to|in|under)\b",
            text,
            _F,
        )
        noun = found[1] if found else None
    patterns: list[str] = []
    for path in paths:
        name = path.removeprefix("./").strip("`")
        folder = name.endswith("/") or ("." not in name.rpartition("/")[2] and "*" not in name)
        if folder:
            base = name.rstrip("/") + "/"
            patterns.append(f"{base}**/{noun}/**" if noun else base + "**")
        elif "/" not in name and not name.startswith("*"):
            patterns.append("**/" + name)
        else:
            patterns.append(name.lstrip("/"))
    return patterns


IMPORT_LIST = Gate(
    r"\b(?P<kind>forbidden|allowed|banned|disallowed)\s+imports?\s*:\s*(?P<list>.+)$", ("import",)
)
ONLY_IMPORT = Gate(
    r"\bonly\s+(?:(?:layer|module|package|place|code|component)s?\s+)?(?:allowed|permitted)\s+to\s+"
    r"import\s+`?(?P<to>[\w.]+)",
    ("import",),
)
MIX = Gate(
    r"\b(?P<a>\w+)\s+and\s+(?P<b>\w+)\s+(?:code\s+)?(?:should|must)\s+(?:not|never)\s+mix\b",
    ("mix",),
)
BOUNDARY_WORD = Gate(r"\bboundar(?:y|ies)\b", ("boundar",))
BREAKING = re.compile(r"\b(?:cross|violat|break|respect)", _F)
ARCHITECTURE = Gate(r"\barchitectur\w*\s+(?:rules?|constraints?|layer\w*)", ("architectur",))
FOLLOWING = re.compile(r"\b(?:violat|respect|break|follow)", _F)
FROM_IMPORT = re.compile(r"^\W*from\s+([\w.]+)\s+import\b")
DIRECT_ACCESS = Gate(
    r"\b(?:access|talk\w*\s+to|query|reach|call|import\w*\s+from)\s+(?:the\s+)?(?P<to>[\w -]{0,20}?"
    r"(?:db|database|models?|repositor(?:y|ies)|layer|api))\s+directly\b",
    ("directly",),
)
NEGATED_USE = Gate(
    r"\b(?:never|not|don't|no)\s+(?:directly\s+)?(?:use|import)\w*\b", ("use", "import")
)
TALKS = Gate(
    r"\b(?:talk|speak|communicat|connect|depend|reach|import)\w*\b",
    ("talk", "speak", "communicat", "connect", "depend", "reach", "import"),
)


def _boundary(reading: Reading, context: str) -> Params | None:
    text = _text(reading)
    low = text.lower()  # once, for the gates below
    scope = _scope(reading).get("include", ())
    listed = IMPORT_LIST.search(text, low)
    if listed:
        modules = tuple(_modules(listed["list"]))
        key = "allowed" if listed["kind"].lower() == "allowed" else "forbid"
        return {"from": scope, key: modules} if modules else None
    only = ONLY_IMPORT.search(text, low)
    if only:
        return {"to": (only["to"],), "allowed_from": scope}
    if reading.force == "permission":
        return None
    mixed = MIX.search(text, low)
    if mixed and reading.forbids:
        return {"between": (mixed["a"].lower(), mixed["b"].lower())}
    if BOUNDARY_WORD.search(text, low) and BREAKING.search(text):
        return {}
    if ARCHITECTURE.search(text, low) and FOLLOWING.search(text):
        return {}
    direct = DIRECT_ACCESS.search(text, low)
    if direct and reading.forbids:
        return {"to": (direct["to"].strip().lower(),)}
    statement = FROM_IMPORT.match(_unquoted(text)) if "from" in text else None
    if statement and reading.forbids:
        return {"to": (statement[1],), "from": scope or _where(text)}
    negated_use = NEGATED_USE.search(text, low) if reading.paths else None
    if reading.forbids and negated_use and not reading.avoided:
        folders = [p for p in reading.paths if "/" in p]
        if folders:
            return {"to": tuple(p.rstrip("*").rstrip("/") for p in folders)}
    talks = TALKS.search(text, low) if reading.forbids and "`" not in text else None
    if talks:
        for claim in catalog.claims(text):
            if claim.target is not None:
                return {"from": (claim.source,), "to": (claim.target,)}
    return None


def _modules(listing: str) -> list[str]:
    modules: list[str] = []
    for part in re.split(r"[,;]\s*|\s+or\s+|\s+and\s+", CODE_SPAN.sub(lambda m: m[1], listing)):
        word = part.strip().rstrip(".").removesuffix(".*").strip("`")
        if re.fullmatch(r"[A-Za-z_][\w.]*", word):
            modules.append(word)
        elif "/" in word:
            modules.extend(w for w in word.split("/") if re.fullmatch(r"[A-Za-z_][\w.]*", w))
        elif word.split() and re.fullmatch(r"[A-Za-z_][\w.]*", word.split()[0]):
            modules.append(word.split()[0])
    return list(dict.fromkeys(modules))


def _where(text: str) -> tuple[str, ...]:
    found = re.search(r"\b(?:inside|in)\s+(?:a|an|the)\s+(\w+)", text, _F)
    return (found[1].lower(),) if found else ()


COMMIT_WORDS = re.compile(r"\bcommit(?:s|ted)?\b|\bcommit\s+messages?\b", _F)
CONVENTIONAL = re.compile(
    r"\bconventional[\s-]+commits?\b|\bconventional\s+commit\s+(?:format|messages?|style)", _F
)
TYPES_LIST = re.compile(r"\b(?:feat|fix|docs|chore|refactor|ci|perf|test|style|build|revert)\b", _F)
TRAILER = re.compile(r"\b(co-authored-by|signed-off-by|generated-by|reviewed-by)\b", _F)
SIGN_OFF = re.compile(r"\b(?:sign[- ]off|signed[- ]off|DCO)\b", _F)


def _commit_message(reading: Reading, context: str) -> Params | None:
    text = _text(reading)
    about_messages = re.search(r"\bcommit\s+messages?\b|\bcommits?\b", text + " " + context, _F)
    if CONVENTIONAL.search(text):
        return {"format": ("conventional",)}
    types = TYPES_LIST.findall(text)
    if len({t.lower() for t in types}) >= 3 and re.match(r"^\W*types?\b", text, _F):
        return {
            "format": ("conventional",),
            "types": tuple(dict.fromkeys(t.lower() for t in types)),
        }
    trailer = TRAILER.search(text)
    if trailer and about_messages:
        name = trailer[1].title().replace("-By", "-by")
        if reading.force == "prohibition":
            return {"forbid": (name,)}
        if reading.force in ("obligation", "none") or re.search(r"\b(?:add|include)", text, _F):
            return {"require": (name,)}
    if SIGN_OFF.search(text) and about_messages and reading.force in ("obligation", "prohibition"):
        return {"require": ("Signed-off-by",)}
    if re.search(r"\bcommit\s+messages?\b.{0,20}\bin\s+english\b", text, _F):
        return {"language": ("english",)}
    if (
        re.search(r"\bidentify\s+themselves\b|\battribution\b", text, _F)
        and re.search(r"\bcommits?\b", text, _F)
        and reading.force in ("obligation", "prohibition")
    ):
        return {"require": ("attribution",)}
    return None


BRANCH_NAME = re.compile(r"`([\w./-]+)`|\b(main|master|develop|trunk|upstream|production)\b")


def _branch_protection(reading: Reading, context: str) -> Params | None:
    if reading.force not in ("prohibition",):
        return None
    text = _main(reading)
    forbid: list[str] = []
    if re.search(r"\bforce[- ]?push", text, _F) or re.search(r"\bpush\w*\s+--force", text, _F):
        forbid.append("force-push")
    if re.search(r"\bamend\w*|\bsquash\w*|\brebas\w*|\brewrit\w*\s+(?:\w+\s+)?history", text, _F):
        forbid.append("rewrite")
    if re.search(r"\bdestructive\s+git\b", text, _F):
        forbid.append("destructive")
    if re.search(r"\bdelet\w*\s+(?:\w+\s+)?branch", text, _F):
        forbid.append("delete")
    direct = re.search(  # the verb right after the negation: "never push (directly) to main"
        r"(?:\b(?:never|not|don't|no)\s+(?:\w+\s+)?|^\W*)(push|commit)\w*\s+(?:\w+\s+){0,2}?(?:directly\s+)?"
        r"(?:to|on|into)\s+(?:the\s+)?(?:`([\w./-]+)`|(main|master|develop|trunk|upstream|production))|"
        r"(?:\b(?:never|not|don't|no)\s+(?:\w+\s+)?|^\W*)(push|commit)\w*\s+directly\b",
        text,
        _F,
    )
    branches: list[str] = []
    if direct:
        forbid.append((direct[1] or direct[4]).lower())
        tail = text[direct.start() :]
        branches.extend(m[1] or m[2] for m in BRANCH_NAME.finditer(tail))
    if not forbid:
        return None
    params: Params = {"forbid": tuple(dict.fromkeys(forbid))}
    if branches:
        params["branches"] = tuple(branches)
    return params


def _docstring(reading: Reading, context: str) -> Params | None:
    text = _text(reading)
    if not re.search(r"\bdocstrings?\b", text, _F):
        return None
    asked = re.search(
        r"\b(?:have|need|require[sd]?|add|provide|write|include|follow|with|missing|use)\s+(?:[\w-]+[\s,]+){0,4}"
        r"docstrings?\b|\bdocstrings?\s+(?:are\s+|is\s+)?(?:required|mandatory|for\s+(?:all|every|public))",
        text,
        _F,
    )
    if not asked or reading.force == "permission":
        return None
    place = re.search(r"\b(?:in|inside|within|from|of)\s+(?:\w+\s+)?docstrings?\b", text, _F)
    demand = re.search(r"\b(?:have|need|require[sd]?|missing|add|provide|mandatory)\b", text, _F)
    if place and not demand:
        return None  # "use double quotes in docstrings": a place, not a demand
    params: Params = {}
    if re.search(r"\bpublic\b", text, _F):
        params["scope"] = ("public",)
    style = re.search(r"\b(google|numpy|sphinx|pep\s*257)", text, _F)
    if style:
        params["style"] = (style[1].lower(),)
    return params


# --- today's checks, read with the grammar --------------------------------------------------


def _pattern(slug: str) -> Callable[[str], bool]:
    compiled = catalog._COMPILED[slug]
    return lambda text: any(p.search(text) for p in compiled)


DEPENDENCY = re.compile(r"\b(?:dependenc(?:y|ies)|deps|librar(?:y|ies)|libs|packages?)\b", _F)
TOOL_WORDS = re.compile(
    r"\b(?:pip|uv|npm|yarn|pnpm|poetry|conda|requirements\S*|pyproject\S*|setup\.py|lock\s*file|"
    r"go\.mod|package\.json|make\s+\w+)\b|\bwithout\s+updating\b",
    _F,
)
ADD_DEPENDENCY = re.compile(
    r"\b(?:add\w*|introduc\w*|install\w*|pull\w*\s+in|bring\w*\s+in)\s+(?:a\s+|an\s+|any\s+|"
    r"new\s+|extra\s+|more\s+|third[- ]party\s+|external\s+)*(?:[\w-]+\s+)?"
    r"(?:dependenc|deps|librar|libs|packages?)",
    _F,
)
DEPENDENCY_NOUN_FIRST = re.compile(
    r"^\W*(?:no\s+)?(?:new|extra|additional|external|third[- ]party)\s+"
    r"(?:dependenc|deps|librar|packages)",
    _F,
)
STDLIB = re.compile(
    r"\b(?:prefer|use|favou?r|rely\s+on)\w*\s+(?:the\s+)?(?:python\s+)?(?:standard\s+library|stdlib)|"
    r"\b(?:standard\s+library|stdlib)\s+(?:first|over|before|whenever|when\s+possible)|"
    r"\bthird[- ]party\s+(?:libs?|librar\w*|packages?|dependenc\w*)\s+only\s+when|"
    r"\b(?:minimi[sz]e|keep)\s+(?:the\s+)?(?:number\s+of\s+)?dependenc\w*(?:\s+\w+)?\s*(?:minimal|to\s+a\s+minimum|small|lean)?|"
    r"\bjustify\b",
    _F,
)


def _new_dependency(reading: Reading, context: str) -> Params | None:
    text = _text(reading)
    if not DEPENDENCY.search(text) and not STDLIB.search(text):
        return None
    if TOOL_WORDS.search(CODE_SPAN.sub(lambda m: m[1], text)):
        return None  # prescribes how to add one (`uv add`, requirements.txt), not whether
    if STDLIB.search(text) and (
        DEPENDENCY.search(text) or re.search(r"standard\s+library|stdlib", text, _F)
    ):
        return {}
    if reading.force in ("prohibition", "escalation") and (
        ADD_DEPENDENCY.search(text) or DEPENDENCY_NOUN_FIRST.search(text)
    ):
        return {}
    if reading.force in ("prohibition", "escalation") and re.search(r"\binstall\b", text, _F):
        return {}
    return None


SECRET_NOUN = re.compile(
    r"\b(?:secrets?|credentials?|api[\s_-]?keys?|passwords?|private\s+keys?|tokens?)\b", _F
)
SECRET_ACTION = re.compile(
    r"\b(?:commit\w*|hard-?cod\w*|check\w*\s+in|push\w*|staged|belong\s+only|placeholder\w*|"
    r"(?:put|store|keep|write|include)\w*\s+(?:\w+\s+){0,3}in\s+(?:the\s+)?(?:code|source|repo\w*|git))\b|"
    r"\bno\s+(?:secrets|credentials)\b",
    _F,
)


def _secret(reading: Reading, context: str) -> Params | None:
    text = _text(reading)
    if not SECRET_NOUN.search(text) and not re.search(r"\bplaceholder", text, _F):
        return None
    full = text + " " + (context.rsplit(" / ", maxsplit=1)[-1] if reading.inherited else "")
    if re.search(r"\blog\w*\b", full, _F) and not re.search(r"\bcommit", full, _F):
        return None  # "never log passwords" is about logs, not the repository
    if not SECRET_ACTION.search(full):
        return None
    if reading.force == "none" and not re.search(r"\bno\s+secrets\b|\bstaged\b", text, _F):
        return None
    return {}


def _simple(slug: str, *, forbids_only: bool = False) -> Callable[[Reading, str], Params | None]:
    matches = _pattern(slug)

    def binder(reading: Reading, context: str) -> Params | None:
        if not matches(_main(reading)):
            return None
        if forbids_only and not (reading.forbids or reading.force == "obligation"):
            return None
        return {}

    return binder


def _print_call(reading: Reading, context: str) -> Params | None:
    text = _main(reading)
    if re.search(r"console\.log", text, _F):
        return None
    said = _pattern("print-call")(text) or re.search(
        r"\b(?:avoid|no|never|don't|do\s+not)\s+(?:\w+\s+)?print(?:ing|s)?\b", text, _F
    )
    if any(_is_print(t) for t in reading.avoided):
        return {}  # "prefer `logging` over `print`"
    if not said:
        return None
    if reading.force not in ("prohibition", "preference", "obligation") and not reading.avoided:
        return None
    return {}


def _broad_except(reading: Reading, context: str) -> Params | None:
    text = _main(reading)
    specific = re.search(
        r"\b(?:catch|handle|raise)\w*\s+specific\s+exceptions?|\bspecific\s+with\s+exception",
        text,
        _F,
    )
    bare = re.search(r"\bbare\s+`?except\b|`except\s+Exception", text, _F)
    if specific and reading.force in ("obligation", "prohibition", "none"):
        return {}
    if (_pattern("broad-except")(text) or bare) and reading.forbids:
        return {}
    return None


def _missing_annotation(reading: Reading, context: str) -> Params | None:
    text = _main(reading)
    said = _pattern("missing-annotation")(text) or re.search(
        r"\btype[\s-]+hint(?:s|ing)\b|\btyping\s+everywhere|\b(?:full|complete)\s+type\s+(?:hints|annotations)|\bhave\s+type\s+annotations",
        text,
        _F,
    )
    if not said:
        return None
    if re.search(r"\b(?:pass|passes|run|runs)\s+`", text, _F):
        return None  # a tool's verdict on hints, not a rule that code has them
    if reading.force == "prohibition" and reading.avoided:
        return None  # "never use `# type: ignore` ..., find the proper type annotation"
    if reading.force == "prohibition" and not re.search(
        r"\bwithout\b|\bmissing|\buntyped|\bno\s+type|\bimplicit|\bundocumented", text, _F
    ):
        return None
    params: Params = {}
    if re.search(r"\bpublic\b", text, _F):
        params["scope"] = ("public",)
    return params


def _logic_in_route(reading: Reading, context: str) -> Params | None:
    text = _main(reading)
    if re.search(r"\bviews?\b|\bcontrollers?\b", text, _F) and not re.search(
        r"\broute|\bendpoint|\bhandler", text, _F
    ):
        return None
    said = _pattern("logic-in-route")(text) or re.search(
        r"\bhandlers?\s+(?:are|must\s+be|should\s+be|stay)\s+thin\b|\bbusiness\s+logic\s+lives\s+in\s+services",
        text,
        _F,
    )
    if not said or (reading.force == "preference" and "try" in text.lower()):
        return None
    return {}


def _import_cycle(reading: Reading, context: str) -> Params | None:
    return {} if _pattern("import-cycle")(_main(reading)) and reading.force != "none" else None


def _async_without_await(reading: Reading, context: str) -> Params | None:
    text = _main(reading)
    if _pattern("async-without-await")(text) or re.search(
        r"\basync\s+def\s+for\s+(?:asynchronous|I/?O)", text, _F
    ):
        return {}
    return None


def _blocking_in_async(reading: Reading, context: str) -> Params | None:
    text = _main(reading)
    if _pattern("blocking-in-async")(text):
        return {}
    if reading.forbids and re.search(
        r"\bblocking\s+(?:I/?O\s+)?(?:operations|calls|code|I/?O)\b", text, _F
    ):
        return {}
    return None


BINDERS: tuple[tuple[str, Callable[[Reading, str], Params | None]], ...] = (
    ("protected-file", _protected_file),
    ("banned-code", _banned_code),
    ("boundary", _boundary),
    ("llm-writes", _simple("llm-writes")),
    ("new-dependency", _new_dependency),
    ("blocking-in-async", _blocking_in_async),
    ("async-without-await", _async_without_await),
    ("mutable-default", _simple("mutable-default")),
    ("missing-annotation", _missing_annotation),
    ("import-cycle", _import_cycle),
    ("logic-in-route", _logic_in_route),
    ("secret", _secret),
    ("print-call", _print_call),
    ("broad-except", _broad_except),
    ("refactor-explained", _simple("refactor-explained")),
    ("commit-message", _commit_message),
    ("branch-protection", _branch_protection),
    ("docstring", _docstring),
)


# BINDERS with what `bind` asks before calling each (its trigger words, whether it is
# Python-only), looked up once here rather than for every sentence.
_Binder = Callable[[Reading, str], Params | None]
_PLAN: tuple[tuple[str, _Binder, tuple[str, ...] | None, bool], ...] = tuple(
    (check, binder, TRIGGERS.get(check), check in PYTHON_ONLY) for check, binder in BINDERS
)


def _scope(reading: Reading) -> Params:
    params: Params = {}
    if reading.include:
        params["include"] = reading.include
    if reading.exclude:
        params["exclude"] = reading.exclude
    return params
