"""What the `secret` check looks for, as data: token formats, secret-ish names, placeholders.

Kept apart from the scanning code so a new provider is one entry here, reviewed on its own.
Every token regex starts with a literal prefix and lists `needles`: plain substrings, at
least one of which must be on a line before its regex runs. Quantifiers are bounded and
never nested over overlapping classes, so `re` (a backtracking engine) stays linear in the
length of the line. The group named `secret` is the part that is masked in reports.
"""

from __future__ import annotations

from typing import NamedTuple


class TokenPattern(NamedTuple):
    """One known credential format.

    `kind` is a stable id (it appears in JSON/SARIF output); `label` is what the report says.
    `judged` marks formats with a weak prefix whose value must also look random (the same
    test the generic assignments get). `context` names a word that must appear on the line
    or next to it (case-insensitive) before the pattern counts. `prefilter` replaces the
    needles when the only literal is too short to be selective (Twilio's `SK`/`AC`).
    """

    kind: str
    label: str
    needles: tuple[str, ...]
    regex: str
    judged: bool = False
    context: str | None = None
    prefilter: str | None = None


# Characters a token body is made of, and a look-ahead that stops a match inside a word.
_B62 = "A-Za-z0-9"
_URLSAFE = "A-Za-z0-9_\\-"
_NOT_AFTER = "(?![A-Za-z0-9_])"


def _word_start(prefix: str, width: int, before: str = "A-Za-z0-9_") -> str:
    """`prefix` (matching exactly `width` characters) where no `before` character precedes it.

    The look-behind comes after the prefix, not before it: a regex that starts with a literal
    lets `re` jump from one occurrence of it to the next, while one that starts with a
    look-behind is tried at every position; and rejecting `xghp_` at its start keeps a
    token body regex from rescanning long runs of its own characters (`eyJeyJeyJ…`).
    """
    return f"{prefix}(?<![{before}]{'.' * width})"


TOKEN_PATTERNS: tuple[TokenPattern, ...] = (
    TokenPattern(
        "aws-access-key-id",
        "AWS access key id",
        ("AKIA", "ASIA", "ABIA", "ACCA"),
        rf"(?P<secret>{_word_start('(?:AKIA|ASIA|ABIA|ACCA)', 4, 'A-Z0-9')}[A-Z0-9]{{16}})"
        r"(?![A-Z0-9])",
    ),
    TokenPattern(
        # A 40-character secret access key has no prefix: it counts only near "aws" or an
        # access key id (see `context`), and must mix cases and digits like a real one.
        "aws-secret-access-key",
        "AWS secret access key",
        (),
        r"(?<![A-Za-z0-9/+])(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        context="aws",
    ),
    TokenPattern(
        "github-token",
        "GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        rf"(?P<secret>{_word_start('gh[pousr]_', 4)}[{_B62}]{{36,251}}){_NOT_AFTER}",
    ),
    TokenPattern(
        "github-fine-grained-token",
        "GitHub fine-grained personal access token",
        ("github_pat_",),
        rf"(?P<secret>{_word_start('github_pat_', 11)}[{_B62}_]{{22,244}}){_NOT_AFTER}",
    ),
    TokenPattern(
        "gitlab-token",
        "GitLab personal access token",
        ("glpat-",),
        rf"(?P<secret>{_word_start('glpat-', 6)}[{_URLSAFE}]{{20,64}})(?![{_URLSAFE}])",
    ),
    TokenPattern(
        "slack-token",
        "Slack token",
        ("xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-"),
        rf"(?P<secret>{_word_start('xox[abprs]-', 5)}[{_B62}]{{6,40}}-[{_B62}\-]{{6,250}})",
    ),
    TokenPattern(
        "slack-webhook",
        "Slack incoming webhook URL",
        ("hooks.slack.com/",),
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/"
        r"(?P<secret>T[A-Za-z0-9_]{6,14}/[A-Za-z0-9_]{6,14}/[A-Za-z0-9]{16,48})",
    ),
    TokenPattern(
        "stripe-live-key",
        "Stripe live secret key",
        ("sk_live_", "rk_live_"),
        rf"(?P<secret>{_word_start('[sr]k_live_', 8)}[{_B62}]{{20,247}}){_NOT_AFTER}",
    ),
    TokenPattern(
        "google-api-key",
        "Google API key",
        ("AIza",),
        rf"(?P<secret>{_word_start('AIza', 4)}[{_URLSAFE}]{{35}})(?![{_URLSAFE}])",
    ),
    TokenPattern(
        # Legacy and project keys carry "T3BlbkFJ" (base64 of "OpenAI") in the middle.
        "openai-key",
        "OpenAI API key",
        ("T3BlbkFJ",),
        rf"(?P<secret>{_word_start('sk-', 3)}[{_URLSAFE}]{{16,200}}T3BlbkFJ[{_URLSAFE}]{{16,200}})",
    ),
    TokenPattern(
        "openai-key",
        "OpenAI API key",
        ("sk-proj-", "sk-svcacct-", "sk-admin-"),
        rf"(?P<secret>{_word_start('sk-', 3)}(?:proj|svcacct|admin)-[{_URLSAFE}]{{40,300}})",
    ),
    TokenPattern(
        "anthropic-key",
        "Anthropic API key",
        ("sk-ant-",),
        rf"(?P<secret>{_word_start('sk-ant-', 7)}[a-z]{{3,8}}[0-9]{{2}}-[{_URLSAFE}]{{32,200}})",
    ),
    TokenPattern(
        "npm-token",
        "npm access token",
        ("npm_",),
        rf"(?P<secret>{_word_start('npm_', 4)}[{_B62}]{{36}}){_NOT_AFTER}",
    ),
    TokenPattern(
        # PyPI tokens are macaroons whose base64 starts with the issuing host's name.
        "pypi-token",
        "PyPI upload token",
        ("pypi-AgE",),
        rf"(?P<secret>{_word_start('pypi-AgE', 8)}(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)"
        rf"[{_URLSAFE}]{{50,1000}})",
    ),
    TokenPattern(
        "sendgrid-key",
        "SendGrid API key",
        ("SG.",),
        rf"(?P<secret>{_word_start('SG[.]', 3)}[{_URLSAFE}]{{22}}\.[{_URLSAFE}]{{43}})"
        rf"(?![{_URLSAFE}])",
    ),
    TokenPattern(
        "twilio-key",
        "Twilio API key or account SID",
        (),
        rf"(?P<secret>{_word_start('(?:SK|AC)', 2, 'A-Za-z0-9')}[0-9a-f]{{32}})(?![A-Za-z0-9])",
        prefilter=r"(?:SK|AC)[0-9a-f]{32}",
    ),
    TokenPattern(
        # The header alone is a doc or a parser constant; `secret.py` wants key material
        # after it (same line, as in JSON, or the next line).
        "private-key",
        "private key",
        ("PRIVATE KEY",),
        r"-----BEGIN (?P<header>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?"
        r"PRIVATE KEY(?: BLOCK)?)-----"
        r"(?P<secret>(?:\\[rn]|\s){0,4}[A-Za-z0-9+/=:\-]{0,64})",
    ),
    TokenPattern(
        # Three base64url segments, the first two JSON objects ("eyJ" is base64 of '{"').
        "jwt",
        "JSON Web Token",
        ("eyJ",),
        rf"(?P<secret>{_word_start('eyJ', 3)}[{_URLSAFE}]{{8,2000}}\.eyJ[{_URLSAFE}]{{2,8000}}"
        rf"\.[{_URLSAFE}]{{10,2000}})",
    ),
    TokenPattern(
        "url-password",
        "password in a URL",
        ("://",),
        r"://(?P<user>[^\s:/?#@'\"<>\[\]{}()]{0,128})"
        r":(?P<secret>[^\s/?@'\"<>{}]{1,256})@(?P<host>[A-Za-z0-9_\[][A-Za-z0-9.\-_:\[\]%]{0,253})",
    ),
    TokenPattern(
        "bearer-token",
        "bearer token",
        ("earer ",),
        _word_start("[Bb]earer", 6, "A-Za-z") + r" +(?P<secret>[A-Za-z0-9_\-.~+/]{20,1000}=*)",
        judged=True,
    ),
)

# Words that name a secret, as one segment of an identifier (split on _ . - and camelCase).
SECRET_WORDS: frozenset[str] = frozenset(
    {
        "password", "passwd", "passphrase", "pwd", "pass", "secret", "secrets", "token",
        "apikey", "credential", "credentials", "creds", "privatekey", "secretkey",
        "accesskey", "authtoken", "accesstoken", "refreshtoken", "clientsecret", "auth",
    }
)  # fmt: skip

# Endings of a joined lower-case name that still say secret: "dbpassword", "githubtoken".
SECRET_ENDINGS: tuple[str, ...] = ("password", "passwd", "secret", "token", "apikey")

# "key" names a secret only after one of these ("api_key", "SIGNING_KEY"), or in an
# ALL-CAPS constant or environment variable ("STRIPE_KEY").
KEY_QUALIFIERS: frozenset[str] = frozenset(
    {
        "api", "private", "secret", "access", "signing", "sign", "encryption", "crypt",
        "master", "client", "auth", "app", "license", "session", "hmac", "jwt", "webhook",
        "service", "account", "consumer", "shared", "cipher", "aes", "storage", "deploy",
    }
)  # fmt: skip

# A last segment that makes the name describe a secret rather than hold one:
# `password_reset_url`, `token_type`, `secret_name`, `api_key_header`.
NOT_SECRET_ENDINGS: frozenset[str] = frozenset(
    {
        "url", "uri", "urls", "path", "paths", "file", "filename", "files", "dir", "name",
        "names", "type", "types", "id", "ids", "length", "len", "size", "field", "fields",
        "header", "headers", "env", "var", "variable", "prefix", "suffix", "format", "fmt",
        "regex", "re", "pattern", "count", "expiry", "expires", "expiration", "ttl", "timeout",
        "endpoint", "policy", "hint", "label", "min", "max", "hash", "hashed", "digest",
        "algorithm", "algo", "method", "mode", "version", "question", "required", "enabled",
        "index", "placeholder", "template", "validator", "strength", "manager", "provider",
        "class", "store", "location", "source", "option", "options", "param", "params", "arg",
        "attr", "kind", "chars", "charset", "reset", "rounds", "iterations", "cache",
        "callback", "prompt", "input", "message", "msg", "error", "text", "title",
        "description", "help", "ref", "scope", "scopes", "usage", "status",
        "flag", "rule", "rules", "host", "port", "user", "username", "login",
    }
)  # fmt: skip

# Qualifiers that turn "token" into a parser or pagination term: `next_token`, `pad_token`.
NOT_SECRET_QUALIFIERS: frozenset[str] = frozenset(
    {
        "page", "next", "continuation", "cursor", "sync", "pad", "unk", "mask", "sep", "cls",
        "bos", "eos", "start", "end", "special", "num", "max", "csrf", "xsrf", "cancellation",
        "cancel", "lexer", "parser", "last", "current", "prev", "previous",
    }
)  # fmt: skip

# A value containing one of these (case-insensitive) is a placeholder, not a credential.
PLACEHOLDER_WORDS: tuple[str, ...] = (
    "example", "changeme", "change_me", "change-me", "dummy", "placeholder", "your", "xxxx",
    "sample", "redacted", "fake", "mock", "todo", "fixme", "replace", "insert", "notreal",
    "not_a_real", "not-a-real", "password", "secret", "qwerty", "123456", "abcdef",
    "letmein", "hunter2", "foobar", "foo_bar", "test_token", "testtoken", "testpass",
    "******", "•••", "...", "…", "<", ">",
)  # fmt: skip

# Values that are words of a language, not secrets.
NULL_VALUES: frozenset[str] = frozenset(
    {"none", "null", "nil", "true", "false", "undefined", "empty", "yes", "no", "on", "off"}
)

# Prefixes of values that refer to a secret stored elsewhere.
REFERENCE_PREFIXES: tuple[str, ...] = (
    "$", "%(", "%{", "{{", "<", "@", "!", "&", "*", "ENC[", "vault:", "arn:", "ref+",
    "op://", "secret://", "env:", "file:", "/", "./", "../", "~/", "sha1:", "sha256:",
    "sha384:", "sha512:", "sha256-", "sha384-", "sha512-", "md5:", "sops:", "kms:",
)  # fmt: skip

# Fragments that mark code reading a secret from somewhere rather than holding it.
REFERENCE_FRAGMENTS: tuple[str, ...] = (
    "environ", "getenv", "process.env", "ENV[", "${", "secrets.",
)  # fmt: skip

# Files whose name says they hold credentials (gitignore-style, matched on the path).
SECRET_FILES: tuple[str, ...] = (
    ".env", ".env.*", "*.env", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "*.pem", "*.key",
    "*.p12", "*.pfx", "*.jks", "*.keystore", "*.kdbx", "credentials.json",
    ".aws/credentials", ".netrc", "_netrc", ".pgpass", ".git-credentials",
)  # fmt: skip

# Names a secret file pattern matches that are templates, documented placeholders.
SECRET_FILE_TEMPLATES: tuple[str, ...] = (
    ".example", ".sample", ".template", ".dist", ".defaults", ".default", ".tmpl", ".tpl",
    ".schema", ".pub",
)  # fmt: skip

# Lock files: full of hashes and registry URLs; only known token formats are looked for.
LOCK_FILES: frozenset[str] = frozenset(
    {
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml",
        "poetry.lock", "pipfile.lock", "uv.lock", "pdm.lock", "cargo.lock", "go.sum",
        "composer.lock", "gemfile.lock", "packages.lock.json", "flake.lock", "bun.lock",
        "mix.lock", "pubspec.lock", "podfile.lock", "package.resolved",
    }
)  # fmt: skip

# Files where `name: value` / `NAME=value` without quotes is an assignment of a string.
BARE_VALUE_SUFFIXES: tuple[str, ...] = (
    ".env", ".yaml", ".yml", ".ini", ".cfg", ".conf", ".properties", ".sh", ".bash", ".zsh",
    ".envrc", ".npmrc", ".pypirc", ".netrc", ".pgpass", ".service", ".tfvars",
)  # fmt: skip
BARE_VALUE_NAMES: tuple[str, ...] = ("dockerfile", "containerfile", ".env", "procfile")

# Inline markers that accept a reported line (the second is detect-secrets' spelling).
ALLOW_MARKERS: tuple[str, ...] = ("agent-guard: allow-secret", "pragma: allowlist secret")
ALLOW_NEXT_LINE_MARKER = "pragma: allowlist nextline secret"
