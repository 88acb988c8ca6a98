"""secret (AG301): a credential or secret committed to history.

## What it does
Looks at every added line of every changed text file (not only Python), and at every
commit and annotated tag message, commit by commit, for three things:

- known token formats: AWS access key ids (`AKIA…`, `ASIA…`) and the secret keys next to
  them, GitHub (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`, `github_pat_`), GitLab (`glpat-`),
  Slack tokens and webhooks, Stripe live keys, Google API keys, OpenAI and Anthropic keys,
  npm and PyPI tokens, SendGrid, Twilio, private key blocks, JSON Web Tokens, bearer tokens
  and URLs with a password in them (`scheme://user:pass@host`);
- a random-looking literal assigned to a name that says secret (`password`, `secret`,
  `token`, `api_key`, `client_secret`, `private_key`, ...) in code, YAML, JSON, TOML, INI and
  `.env` files;
- files that are secrets by their name when they are added: `.env` (not `.env.example`),
  `id_rsa`, `id_ed25519`, `*.pem`, `*.key`, `*.p12`, `credentials.json`, `.aws/credentials`,
  `.netrc`, `*.kdbx`.

References and placeholders are not secrets: `os.environ[...]`, `os.getenv(...)`, `${VAR}`,
`<your-token>`, `changeme`, `xxxx`, `example`, `dummy`, repeated characters, UUIDs, hashes
in lock files and `sha256:` digests are left alone.

## Why is this bad?
A secret in a commit is in history for good: a later commit that deletes it does not take
it back, and every clone, fork, CI log and cache already has it. That is why every commit of
a push is scanned, not only the final state: a token added and removed in the same push is
still reported, naming the commit that added it. The only fix that works once it was
committed is to rotate the secret.

## Example
```python
STRIPE_KEY = "sk_live_4eC3…"  # a live key, masked here
```

## Fix
Remove the secret from the change, then revoke and reissue it (assume it is exposed), and
read it at run time instead:

```python
STRIPE_KEY = os.environ["STRIPE_KEY"]
```

A line that only looks like a secret (a test vector, a public key id) can be accepted with
`# agent-guard: allow-secret <reason>` on that line; detect-secrets' `pragma: allowlist
secret` is honoured too. Reports show only the first characters of a secret.

## Options
- `min_length` (10): shortest literal a secret-ish name may hold to be reported.
- `min_entropy` (3.0): Shannon entropy, in bits per character, a literal needs to look random.
- `fixture_paths` (`tests/**`, `**/fixtures/**`, ...): where base64 of plain text is test
  data, not a secret.
- `placeholders` (`[]`): more words that mark a value as a placeholder.
"""

from __future__ import annotations

import fnmatch
import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from functools import cache
from typing import NamedTuple

from agent_guard.changes.model import ChangedFile, Status
from agent_guard.checks import secret_patterns as patterns
from agent_guard.checks.base import ContentUnit, Context, Unit, make_finding
from agent_guard.checks.options import Kind, Option
from agent_guard.globs import glob_to_regex
from agent_guard.model import Finding
from agent_guard.policy.model import CheckSettings

MIN_LENGTH: Option[int] = Option(
    "min_length", Kind.INT, 10, "the shortest value taken for a generic secret assignment"
)
MIN_ENTROPY: Option[float] = Option(
    "min_entropy", Kind.FLOAT, 3.0, "the least Shannon entropy (bits per character) of one"
)
FIXTURE_PATHS: Option[list[str]] = Option(
    "fixture_paths",
    Kind.STRINGS,
    ["tests/**", "test/**", "**/fixtures/**", "**/testdata/**"],
    "globs of test fixtures, where only real token formats count (not generic assignments)",
)
PLACEHOLDERS: Option[list[str]] = Option(
    "placeholders", Kind.STRINGS, [], "extra words that mark a value as a placeholder"
)
OPTIONS = (MIN_LENGTH, MIN_ENTROPY, FIXTURE_PATHS, PLACEHOLDERS)


class SecretCheck:
    """Each changed blob: credentials files by name, secrets on the lines it adds."""

    unit = Unit.CONTENT

    def run(self, unit: ContentUnit, context: Context) -> list[Finding]:
        settings = context.settings
        by_name = secret_file_finding(unit.file, settings, unit.commit)
        found = [by_name] if by_name is not None else []
        return found + scan_blob(unit.file.path, unit.data, unit.lines, settings, unit.commit)


CHECK = SecretCheck()

# Long lines (minified code, data blobs) are scanned in overlapping windows so that no
# regex ever sees more than WINDOW characters; OVERLAP keeps tokens that straddle a cut.
WINDOW = 10_000
OVERLAP = 1_000
# At most this many name candidates per window: a line of "password=password=…" is not
# allowed to cost more than a normal line.
MAX_NAMES_PER_WINDOW = 64
MAX_HITS_PER_LINE = 20
SOURCE_WIDTH = 200

FIX = (
    "Remove it, then revoke and reissue it: history, clones and CI logs keep it even after a "
    "later commit deletes it. Load it at run time (environment, secret manager). Not a "
    "secret? Add `agent-guard: allow-secret <reason>` on the line."
)
MESSAGE_FIX = (
    "Revoke and reissue it, then rewrite the message (`git commit --amend`, `git rebase -i`, "
    "or delete and re-create the tag) before pushing: a message cannot be suppressed inline."
)
FILE_FIX = (
    "Do not commit this file: remove it from the change (`git rm --cached`), add it to "
    ".gitignore, and rotate what it holds if it was ever pushed. Commit a template such as "
    "`.env.example` with placeholders instead."
)


class Hit(NamedTuple):
    """One secret on one line: where, what kind, the secret itself and the line masked."""

    line: int
    column: int
    kind: str
    label: str
    secret: str
    masked_line: str

    @property
    def masked(self) -> str:
        return mask(self.secret)


class _Found(NamedTuple):
    """A secret found in a window: its column, and the span of the line to hide."""

    column: int
    kind: str
    label: str
    secret: str
    hide_from: int
    hide_to: int

    def shifted(self, offset: int) -> _Found:
        return _Found(
            self.column + offset,
            self.kind,
            self.label,
            self.secret,
            self.hide_from + offset,
            self.hide_to + offset,
        )


class ScanConfig(NamedTuple):
    """The check's options, validated once per scan."""

    min_length: int = 10
    min_entropy: float = 3.0
    fixture_paths: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: CheckSettings) -> ScanConfig:
        return cls(
            min_length=MIN_LENGTH.value(settings),
            min_entropy=MIN_ENTROPY.value(settings),
            fixture_paths=tuple(FIXTURE_PATHS.value(settings)),
            placeholders=tuple(word.lower() for word in PLACEHOLDERS.value(settings)),
        )


def _strings(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Iterable):
        return tuple(str(item) for item in value)
    return ()


# --------------------------------------------------------------------------- public API


def mask(secret: str) -> str:
    """The first characters of a secret, then an ellipsis: enough to find it, not to use it.

    Four characters at most, and never more than a third of a short secret.
    """
    return secret[: min(4, len(secret) // 3)] + "…"


def scan_blob(
    path: str,
    data: bytes,
    added_lines: AbstractSet[int] | None,
    settings: CheckSettings,
    commit: str | None,
) -> list[Finding]:
    """Findings for the secrets on `added_lines` (1-based; None = every line) of one blob."""
    if (path and not settings.applies_to(path)) or b"\0" in data:
        return []  # (an empty path is a commit or tag message: see `engine.content_unit`)
    where = "the change" if path else "a commit or tag message"
    text = data.decode("utf-8", errors="replace")
    config = ScanConfig.from_settings(settings)
    # `source` is set here, masked: the engine fills it from the blob for other checks only,
    # and every report (text, JSON, SARIF) prints it as it is.
    return [
        make_finding(
            settings,
            path,
            hit.line,
            hit.column,
            f"{hit.label} `{hit.masked}` in {where}: rotate it, it may already be exposed",
            FIX if path else MESSAGE_FIX,
            commit=commit,
            extra=(
                ("kind", hit.kind),
                ("masked", hit.masked),
                ("masked_source", hit.masked_line),
            ),
        )._replace(
            source=hit.masked_line,
        )
        for hit in scan_text(path, text, added_lines, config)
    ]


def secret_file_finding(
    file: ChangedFile, settings: CheckSettings, commit: str | None
) -> Finding | None:
    """A finding when the change adds a file whose name says it holds credentials."""
    if file.status not in (Status.ADDED, Status.RENAMED, Status.COPIED):
        return None
    if not is_secret_file(file.path) or not settings.applies_to(file.path):
        return None
    if file.status is Status.RENAMED and file.old_path and is_secret_file(file.old_path):
        return None  # already in history under its old name; reported when it was added
    name = file.path.rsplit("/", 1)[-1]
    return make_finding(
        settings,
        file.path,
        1,
        1,
        f"`{name}` is a credentials file by its name: it must not be committed",
        FILE_FIX,
        commit=commit,
        extra=(("kind", "secret-file"),),
    )


def is_secret_file(path: str) -> bool:
    """True for paths like `.env`, `id_rsa`, `deploy.pem`, `.aws/credentials` (not templates)."""
    lowered = path.lower()
    name = lowered.rsplit("/", 1)[-1]
    if any(marker in name for marker in patterns.SECRET_FILE_TEMPLATES):
        return False
    for pattern in patterns.SECRET_FILES:
        if "/" in pattern:
            if lowered == pattern or lowered.endswith("/" + pattern):
                return True
        elif fnmatch.fnmatchcase(name, pattern):
            return True
    return False


def scan_text(path: str, text: str, lines: Collection[int] | None, config: ScanConfig) -> list[Hit]:
    """Every secret on the given lines (1-based; None = all) of a decoded file."""
    rows = text.split("\n")
    scanner = _LineScanner(path, rows, config)
    if lines is None:
        numbers = _candidate_lines(text)
    elif 4 * len(lines) > len(rows):  # most of the file: one pass over all of it is cheaper
        numbers = sorted(set(_candidate_lines(text)).intersection(lines))
    else:
        numbers = _candidates_among(rows, lines)
    if lines is not None and "PRIVATE KEY" in text:
        numbers = sorted({*numbers, *_key_headers_above(rows, lines)})
    hits: list[Hit] = []
    for number in numbers:
        if 1 <= number <= len(rows):
            hits.extend(scanner.scan(number))
    return hits


# ------------------------------------------------------------------- compiled patterns


class _Compiled(NamedTuple):
    pattern: patterns.TokenPattern
    regex: re.Pattern[str]
    prefilter: re.Pattern[str] | None

    def may_match(self, window: str) -> bool:
        if self.prefilter is not None:
            return self.prefilter.search(window) is not None
        return any(needle in window for needle in self.pattern.needles)


@cache
def _compiled() -> tuple[_Compiled, ...]:
    return tuple(
        _Compiled(
            p,
            re.compile(p.regex),
            re.compile(p.prefilter) if p.prefilter else None,
        )
        for p in patterns.TOKEN_PATTERNS
    )


_NAME_HINTS = ("pass", "pwd", "secret", "token", "key", "cred", "auth")


@cache
def _prefilter() -> tuple[re.Pattern[str], ...]:
    """Regexes that find every line a pattern could match (the cheap first pass).

    The first runs on the lower-cased text: one case-sensitive alternation of literals is
    several times faster in `re` than a case-insensitive one. Needles of two characters
    (Twilio's `SK`/`AC`) would match most lines, so their `prefilter` regex runs instead.
    """
    needles = {n.lower() for p in patterns.TOKEN_PATTERNS for n in p.needles}
    words = {*needles, *_NAME_HINTS, *(p.context for p in patterns.TOKEN_PATTERNS if p.context)}
    literal = re.compile("|".join(re.escape(word) for word in sorted(words)))
    return (literal, *(c.prefilter for c in _compiled() if c.prefilter is not None))


def _candidate_lines(text: str) -> list[int]:
    """1-based numbers of the lines any pattern could match, found at C speed."""
    literal, *others = _prefilter()
    lowered = text.lower()
    numbers = set(_lines_matching(lowered, literal))
    for regex in others:
        numbers.update(_lines_matching(text, regex))
    # The AWS secret key has no prefix: look two lines around "aws" and key ids too.
    for number in _lines_matching(lowered, _rx().aws_context):
        numbers.update(range(number - 2, number + 3))
    return sorted(numbers)


def _candidates_among(rows: Sequence[str], lines: Collection[int]) -> list[int]:
    """The numbers of `lines` any pattern could match: `_candidate_lines` for a few lines.

    A push scans tens of thousands of added lines; running every pattern's test on each is
    most of its cost, while the prefilter rejects almost all of them in one regex search.
    """
    literal, *others = _prefilter()
    aws = _rx().aws_context
    count = len(rows)
    numbers: list[int] = []
    for number in sorted(lines):
        if not 1 <= number <= count:
            continue
        row = rows[number - 1]
        if (
            literal.search(row.lower())
            or any(regex.search(row) for regex in others)
            or any(
                aws.search(rows[near - 1].lower())
                for near in range(max(1, number - 2), min(count, number + 2) + 1)
            )
        ):
            numbers.append(number)
    return numbers


def _key_headers_above(rows: Sequence[str], lines: Collection[int]) -> set[int]:
    """The BEGIN lines of private keys whose body the change adds under an existing header.

    A key split over two commits (the header first, its body later) is one key: the body
    alone is base64 like any other, so the header above it is scanned again (its finding
    needs key material after it, which the body now is).
    """
    headers: set[int] = set()
    for number in lines:
        body = rows[number - 1].strip() if 1 <= number <= len(rows) else ""
        if not _rx().base64_line.fullmatch(body):
            continue
        for above in range(number - 1, max(0, number - 6), -1):
            if "-----" in rows[above - 1]:  # the nearest armour: a BEGIN, or another key's END
                if "PRIVATE KEY" in rows[above - 1] and "BEGIN" in rows[above - 1]:
                    headers.add(above)
                break
    return headers


def _lines_matching(text: str, regex: re.Pattern[str]) -> Iterator[int]:
    """The 1-based numbers of the lines of `text` on which `regex` matches."""
    number, counted_to, position = 1, 0, 0
    while match := regex.search(text, position):
        number += text.count("\n", counted_to, match.start())
        yield number
        end = text.find("\n", match.start())
        if end < 0:
            return
        number += 1
        counted_to = position = end + 1


_IDENT_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


class _Regexes:
    """The scan's helper regexes, compiled on first use: importing the check costs nothing."""

    def __init__(self) -> None:
        self.name_hint = re.compile("(?i)" + "|".join(_NAME_HINTS))
        _IDENT_CHARS = frozenset(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
        )
        self.assign = re.compile(
            r"""["'`]?\]?[ \t]{0,8}"""
            r"""(?::[ \t]{0,4}[A-Za-z_][\w\[\]., |]{0,40}[ \t]{0,4}(?==))?"""
            r"""(?P<op>:=|=>|=(?!=)|:(?![:/]))[ \t]{0,16}"""
        )
        self.value = re.compile(
            r"""(?:(?:[\w\[\].]{1,24}\()?[rRbBuU]{0,2}(?P<quote>["'`])(?P<quoted>[^"'`\n\\]{1,500})(?P=quote))"""
            r"""|(?P<bare>[^\s"'`,;]{1,500})"""
        )
        self.camel = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
        self.uuid = re.compile(
            r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
        )
        self.words = re.compile(r"[A-Za-z]+(?:[_.\-/:][A-Za-z]+)*[0-9]{0,2}")
        self.numberish = re.compile(r"[0-9.,:_\-+/ ]+")
        self.base64 = re.compile(r"[A-Za-z0-9+/]{8,}={0,2}")
        self.base64_line = re.compile(r"[A-Za-z0-9+/=]{16,}")
        self.aws_id = re.compile(r"(?:AKIA|ASIA)[A-Z0-9]{16}")
        self.aws_context = re.compile("aws|akia|asia")  # on lower-cased text


@cache
def _rx() -> _Regexes:
    return _Regexes()


# ------------------------------------------------------------------------ line scanning


class _LineScanner:
    """Scans the lines of one file, with the file's kind and its neighbours at hand."""

    def __init__(self, path: str, rows: Sequence[str], config: ScanConfig) -> None:
        self.path = path
        self.rows = rows
        self.config = config
        name = path.rsplit("/", 1)[-1].lower()
        self.lock_file = name in patterns.LOCK_FILES or name.endswith(".lock")
        self.bare_values = name.startswith(".env") or any(
            name.endswith(suffix) for suffix in patterns.BARE_VALUE_SUFFIXES
        )
        self.bare_values = self.bare_values or name in patterns.BARE_VALUE_NAMES
        self.fixture = any(_glob_match(path, pattern) for pattern in config.fixture_paths)

    def row(self, number: int) -> str:
        return self.rows[number - 1].rstrip("\r") if 1 <= number <= len(self.rows) else ""

    def scan(self, number: int) -> list[Hit]:
        line = self.row(number)
        # An allow comment does not stop the scan: the finding is reported and the
        # suppression stage (`suppressions`) marks it, with its reason.
        aws_context = self._in_context(number)
        found: dict[int, _Found] = {}  # by column (0-based) on the whole line
        for start in range(0, max(len(line), 1), WINDOW - OVERLAP):
            window = line[start : start + WINDOW]
            for item in self._scan_window(number, window, aws_context):
                found.setdefault(start + item.column, item.shifted(start))
                if len(found) >= MAX_HITS_PER_LINE:
                    break
            if start + WINDOW >= len(line) or len(found) >= MAX_HITS_PER_LINE:
                break
        masked = _masked_line(line, list(found.values()))
        return [
            Hit(number, column + 1, item.kind, item.label, item.secret, masked)
            for column, item in sorted(found.items())
        ]

    def _scan_window(self, number: int, window: str, aws_context: bool) -> Iterable[_Found]:
        taken: list[tuple[int, int]] = []
        for compiled in _compiled():
            pattern = compiled.pattern
            if pattern.context:
                if not aws_context:
                    continue
            elif not compiled.may_match(window):
                continue
            for match in compiled.regex.finditer(window):
                start, end = match.span("secret")
                if any(s < end and start < e for s, e in taken):
                    continue  # one secret, one finding: a JWT in a bearer header is a JWT
                secret = self._accept(pattern, match, number)
                if secret is None:
                    continue
                taken.append((start, end))
                if pattern.kind == "private-key":
                    # Mask all key material that follows the header on this line.
                    inline = end > start and match.group("secret").strip()
                    hide = (start, len(window)) if inline else (end, end)
                    yield _Found(match.start(), pattern.kind, _label(pattern, match), secret, *hide)
                else:
                    yield _Found(start, pattern.kind, pattern.label, secret, start, end)
        if not self.lock_file:
            for start, end, secret in self._assignments(window):
                if not any(s < end and start < e for s, e in taken):
                    taken.append((start, end))
                    yield _Found(start, "assignment", "secret-looking literal", secret, start, end)

    def _in_context(self, number: int) -> bool:
        """True when "aws" or an AWS key id is on this line or within two lines of it."""
        near = [self.row(n) for n in range(number - 2, number + 3)]
        return any("aws" in row.lower() or _rx().aws_id.search(row) for row in near)

    def _accept(
        self, pattern: patterns.TokenPattern, match: re.Match[str], number: int
    ) -> str | None:
        """The secret of a match when it is a real one (not a placeholder), else None."""
        secret = match.group("secret")
        check = _ACCEPT.get(pattern.kind)
        if check is not None:
            return check(self, match, number)
        if pattern.judged:
            return secret if self._looks_random(secret) else None
        return None if _placeholder_token(secret, self.config.placeholders) else secret

    # ---- generic assignments

    def _assignments(self, window: str) -> Iterable[tuple[int, int, str]]:
        lowered = window.lower()
        if not any(hint in lowered for hint in _NAME_HINTS):
            return
        seen_until = -1
        examined = 0
        for hint in _rx().name_hint.finditer(window):
            if hint.start() < seen_until:
                continue
            examined += 1
            if examined > MAX_NAMES_PER_WINDOW:
                return
            first, last = _identifier_around(window, hint.start(), hint.end())
            seen_until = last
            if not _names_secret(window[first:last]):
                continue
            assign = _rx().assign.match(window, last)
            if assign is None:
                continue
            value = _rx().value.match(window, assign.end())
            if value is None:
                continue
            quoted = value.group("quoted")
            if quoted is None and not self.bare_values:
                continue
            if quoted is None and value.group("bare")[0] in "{[":
                continue  # a flow mapping or list (`secret: {severity: error}`), not a literal
            text = quoted if quoted is not None else value.group("bare")
            group = "quoted" if quoted is not None else "bare"
            seen_until = value.end()
            if self._looks_random(text):
                yield value.start(group), value.end(group), text

    def _looks_random(self, value: str) -> bool:
        """True for a literal that could be a credential: long, varied, not a word or ref."""
        config = self.config
        if not config.min_length <= len(value) <= 1000 or any(c.isspace() for c in value):
            return False
        if _reference(value) or _placeholder(value, config.placeholders):
            return False
        if _rx().uuid.fullmatch(value) or _rx().words.fullmatch(value):
            return False
        if _rx().numberish.fullmatch(value) or "://" in value:
            return False
        if self.fixture and _plain_text_base64(value):
            return False
        classes = sum(
            (
                any(c.islower() for c in value),
                any(c.isupper() for c in value),
                any(c.isdigit() for c in value),
                any(not c.isalnum() for c in value),
            )
        )
        if classes < 2:
            return False
        threshold = min(config.min_entropy, 0.85 * math.log2(len(value)))
        return entropy(value) >= threshold


def _accept_aws_secret(scanner: _LineScanner, match: re.Match[str], number: int) -> str | None:
    secret = match.group("secret")
    has_all = (
        any(c.islower() for c in secret)
        and any(c.isupper() for c in secret)
        and any(c.isdigit() for c in secret)
    )
    if not has_all or _placeholder_token(secret, scanner.config.placeholders):
        return None
    return secret if entropy(secret) >= 4.0 else None


def _accept_private_key(scanner: _LineScanner, match: re.Match[str], number: int) -> str | None:
    """A BEGIN line counts only with key material after it (same line, or the next lines)."""
    inline = match.group("secret").replace("\\n", "").replace("\\r", "").strip()
    if len(inline) >= 16:
        return inline
    for following in range(number + 1, number + 6):
        row = scanner.row(following).strip().strip("\"',")
        if not row or ":" in row:
            continue  # blank line or armour header ("Proc-Type: 4,ENCRYPTED", "Version: x")
        body = _rx().base64_line.match(row)
        if body and not _placeholder_key_body(row, scanner.config.placeholders):
            return body.group()
        return None
    return None


def _placeholder_key_body(row: str, extra: tuple[str, ...]) -> bool:
    """A key body line that is a placeholder (`MIIE...`, `xxxx`, `AAAAAAAA…`), not key material.

    Not `_placeholder_token`: real key material is base64 of binary structures, full of
    zero bytes (`AAAA`) and short repeats. ssh-keygen's default format starts with
    `b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAAB`, which a token test takes for
    a placeholder run; so only words and a tiny alphabet mark a placeholder here.
    """
    lowered = row.lower()
    if any(word in lowered for word in (*_KEY_PLACEHOLDERS, *extra)):
        return True
    return len(set(row.rstrip("="))) < 10


_KEY_PLACEHOLDERS = (
    "example", "xxxx", "dummy", "placeholder", "sample", "redacted", "changeme", "your",
    "fake", "...", "…", "<", ">",
)  # fmt: skip


def _accept_jwt(scanner: _LineScanner, match: re.Match[str], number: int) -> str | None:
    import base64
    import binascii
    import json

    secret = match.group("secret")
    head = secret.split(".", 1)[0]
    try:
        decoded = json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(decoded, dict) or not ({"alg", "typ"} & decoded.keys()):
        return None
    return None if _placeholder_token(secret, scanner.config.placeholders) else secret


def _accept_url_password(scanner: _LineScanner, match: re.Match[str], number: int) -> str | None:
    password, user, host = match.group("secret"), match.group("user"), match.group("host")
    if len(password) < 6 or password == user or "example" in host.lower():
        return None
    if _placeholder(password, scanner.config.placeholders):
        return None
    if password.startswith(("$", "%", "<")) or "{" in password or "}" in password:
        return None
    return password


def _accept_twilio(scanner: _LineScanner, match: re.Match[str], number: int) -> str | None:
    secret = match.group("secret")
    body = secret[2:]
    if not any(c.isdigit() for c in body) or not any(c.isalpha() for c in body):
        return None
    return None if _placeholder_token(secret, scanner.config.placeholders) else secret


_ACCEPT: dict[str, Callable[[_LineScanner, re.Match[str], int], str | None]] = {
    "aws-secret-access-key": _accept_aws_secret,
    "private-key": _accept_private_key,
    "jwt": _accept_jwt,
    "url-password": _accept_url_password,
    "twilio-key": _accept_twilio,
}


def _label(pattern: patterns.TokenPattern, match: re.Match[str]) -> str:
    if pattern.kind == "private-key":
        return (
            match.group("header")
            .replace("PRIVATE KEY BLOCK", "private key")
            .replace("PRIVATE KEY", "private key")
        )
    return pattern.label


# --------------------------------------------------------------------- small judgements


def entropy(value: str) -> float:
    """Shannon entropy of the characters of `value`, in bits per character."""
    if not value:
        return 0.0
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in Counter(value).values())


def _reference(value: str) -> bool:
    """True for a value that points at a secret kept elsewhere (`${VAR}`, `vault:`, a path)."""
    if value.startswith(patterns.REFERENCE_PREFIXES):
        return True
    if any(fragment in value for fragment in patterns.REFERENCE_FRAGMENTS):
        return True
    return "{" in value and "}" in value


def _placeholder(value: str, extra: tuple[str, ...]) -> bool:
    lowered = value.lower()
    if lowered in patterns.NULL_VALUES or len(set(lowered)) <= 3:
        return True
    return any(word in lowered for word in (*patterns.PLACEHOLDER_WORDS, *extra))


def _placeholder_token(secret: str, extra: tuple[str, ...]) -> bool:
    """A token of the right format whose body is a placeholder (EXAMPLE, xxxx, 000000…)."""
    lowered = secret.lower()
    if any(word in lowered for word in _TOKEN_PLACEHOLDERS) or any(w in lowered for w in extra):
        return True
    body = secret[4:]
    return len(set(body)) < 6 or _longest_run(body) >= 6


_TOKEN_PLACEHOLDERS = (
    "example", "xxxx", "dummy", "placeholder", "sample", "redacted", "changeme", "your",
    "fake", "test_key", "testkey", "1234567", "abcdefg", "...", "…",
)  # fmt: skip


def _longest_run(value: str) -> int:
    best = run = 0
    previous = ""
    for char in value:
        run = run + 1 if char == previous else 1
        previous = char
        best = max(best, run)
    return best


def _plain_text_base64(value: str) -> bool:
    """True when `value` is base64 of readable text (test data), which is no secret."""
    import base64
    import binascii

    if len(value) % 4 or not _rx().base64.fullmatch(value):
        return False
    try:
        decoded = base64.b64decode(value, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError):
        return False
    readable = sum(c.isalpha() or c in " .,;:!?'-\n" for c in decoded)
    return " " in decoded and readable >= 0.9 * len(decoded)


def _identifier_around(window: str, start: int, end: int) -> tuple[int, int]:
    """The identifier (letters, digits, `_ . -`) the name hint at start:end is part of."""
    first = start
    while first > 0 and start - first < 100 and window[first - 1] in _IDENT_CHARS:
        first -= 1
    last = end
    while last < len(window) and last - end < 100 and window[last] in _IDENT_CHARS:
        last += 1
    return first, last


def _split_name(name: str) -> list[str]:
    """`AWS_SECRET_ACCESS_KEY` -> aws, secret, access, key; `clientSecret` -> client, secret."""
    return [
        word.lower() for part in re.split(r"[_.\-]+", name) for word in _rx().camel.findall(part)
    ]


def _names_secret(name: str) -> bool:
    """True when an identifier says it holds a secret (and not that it describes one)."""
    words = _split_name(name)
    if not words or words[-1] in patterns.NOT_SECRET_ENDINGS:
        return False
    upper = name.upper() == name and any(c.isalpha() for c in name)
    for index, word in enumerate(words):
        before = words[index - 1] if index else ""
        if word in patterns.SECRET_WORDS:
            if word.startswith("token") and before in patterns.NOT_SECRET_QUALIFIERS:
                continue
            return True
        if word in ("key", "keys") and (before in patterns.KEY_QUALIFIERS or (upper and before)):
            return True
        if any(word.endswith(end) and word != end for end in patterns.SECRET_ENDINGS):
            return True
    return False


@cache
def _glob_regex(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_to_regex(pattern))


def _glob_match(path: str, pattern: str) -> bool:
    return _glob_regex(pattern).fullmatch(path) is not None


def _masked_line(line: str, found: Sequence[_Found]) -> str:
    """The line with every secret masked, cut to SOURCE_WIDTH characters around the first."""
    out = line
    for item in sorted(found, key=lambda f: f.hide_from, reverse=True):
        if item.hide_to > item.hide_from:
            out = out[: item.hide_from] + mask(item.secret) + out[item.hide_to :]
    indent = len(out) - len(out.lstrip())
    out = out.strip()
    if len(out) <= SOURCE_WIDTH:
        return out
    first = min((item.column for item in found), default=0) - indent
    begin = max(0, min(first - 40, len(out) - SOURCE_WIDTH))
    return ("…" if begin else "") + out[begin : begin + SOURCE_WIDTH] + "…"
