"""The secret scan on single blobs: masking, allow comments, placeholders, options, limits."""

from __future__ import annotations

import pytest

from agent_guard.changes.model import ChangedFile, Status
from agent_guard.checks.secret import OPTIONS, is_secret_file, mask, scan_blob, secret_file_finding
from agent_guard.globs import compile_globs
from agent_guard.model import Finding, Severity
from agent_guard.policy.model import CheckSettings
from tests.secrets import fakes

SETTINGS = CheckSettings("secret", Severity.ERROR)


def scan(
    path: str, text: str, lines: frozenset[int] | None = None, **options: object
) -> list[Finding]:
    settings = CheckSettings("secret", Severity.ERROR, options=options)
    return scan_blob(path, text.encode(), lines, settings, None)


def test_finding_masks_the_secret_everywhere_and_says_rotate() -> None:
    token = fakes.github_token()
    [finding] = scan("ci/release.py", f'GITHUB_TOKEN = "{token}"  # for releases\n')
    assert (finding.check, finding.code, finding.severity) == ("secret", "AG301", Severity.ERROR)
    assert (finding.line, finding.column) == (1, 17)
    assert token not in repr(finding)
    assert "`ghp_…`" in finding.message
    assert "rotate" in finding.message
    assert "revoke and reissue" in finding.fix
    extra = dict(finding.extra)
    assert extra["kind"] == "github-token"
    assert extra["masked"] == "ghp_…"
    assert extra["masked_source"] == 'GITHUB_TOKEN = "ghp_…"  # for releases'
    assert finding.source == extra["masked_source"]


def test_mask_shows_at_most_a_third_of_a_short_secret() -> None:
    assert mask("ghp_" + "a1b2" * 9) == "ghp_…"
    assert mask("Xk9#mP2$v") == "Xk9…"
    assert mask("abc123") == "ab…"


def test_every_secret_of_a_line_is_masked() -> None:
    first, second = fakes.stripe_key(), fakes.github_token()
    findings = scan("app.py", f'KEYS = ["{first}", "{second}"]\n')
    assert [f.column for f in findings] == [10, 10 + len(first) + 4]
    for finding in findings:
        assert first not in repr(finding) and second not in repr(finding)
        assert finding.source == 'KEYS = ["sk_l…", "ghp_…"]'


def test_private_key_body_is_masked_when_on_the_same_line() -> None:
    body = fakes.random_text(60, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    line = f'"private_key": "-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n"'
    [finding] = scan("service.json", line + "\n")
    assert dict(finding.extra)["kind"] == "private-key"
    assert body[:20] not in repr(finding)
    assert finding.source is not None and finding.source.startswith('"private_key": "-----BEGIN')


@pytest.mark.parametrize(
    "comment",
    [
        "# agent-guard: allow-secret RFC 4231 test vector",
        "# pragma: allowlist secret",
        "// agent-guard: allow-secret used by the offline demo only",
    ],
)
def test_allow_comment_on_the_line_is_left_to_the_suppression_stage(comment: str) -> None:
    # The scanner reports the secret; the suppression stage marks it, with its reason
    # (tests/engine/test_suppression_stage.py), so every report can list it.
    assert len(scan("vectors.py", f'TOKEN = "{fakes.github_token()}"  {comment}\n')) == 1


def test_only_added_lines_are_scanned() -> None:
    text = f'A = "{fakes.github_token()}"\nB = 1\nC = "{fakes.stripe_key()}"\n'
    assert [f.line for f in scan("app.py", text)] == [1, 3]
    assert [f.line for f in scan("app.py", text, frozenset({2, 3}))] == [3]
    assert scan("app.py", text, frozenset()) == []


def test_binary_blobs_are_skipped() -> None:
    data = b"\x89PNG\r\n\x1a\n\0\0" + fakes.github_token().encode()
    assert scan_blob("logo.png", data, None, SETTINGS, None) == []


def test_severity_include_and_exclude_come_from_settings() -> None:
    text = f'TOKEN = "{fakes.github_token()}"\n'.encode()
    warning = CheckSettings("secret", Severity.WARNING)
    assert scan_blob("a.py", text, None, warning, None)[0].severity is Severity.WARNING
    excluded = CheckSettings("secret", Severity.ERROR, exclude=compile_globs(["vendor/**"]))
    assert scan_blob("vendor/a.py", text, None, excluded, None) == []
    assert len(scan_blob("src/a.py", text, None, excluded, None)) == 1


def test_commit_is_recorded_on_the_finding() -> None:
    text = f'TOKEN = "{fakes.github_token()}"\n'.encode()
    [finding] = scan_blob("a.py", text, None, SETTINGS, "c0ffee" * 6 + "abcd")
    assert finding.commit == "c0ffee" * 6 + "abcd"


@pytest.mark.parametrize(
    "line",
    [
        'token = os.environ["GITHUB_TOKEN"]',
        'password = os.getenv("DB_PASSWORD")',
        "password: ${DB_PASSWORD}",
        "api_key: <your-token>",
        "password: changeme",
        "api_key: xxxxxxxxxxxxxxxxxxxx",
        'client_secret = "example-client-secret-123"',
        'token = "dummy-token-for-unit-tests-9"',
        'SECRET = "ZZZZZZZZZZZZZZZZZZZZZZZZ"',
        'token = "123e4567-e89b-42d3-a456-426614174000"',
        "image: app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
    ],
)
def test_references_and_placeholders_are_not_secrets(line: str) -> None:
    assert scan("config.yaml", line + "\n") == []


def test_lock_files_get_no_generic_scan_but_known_tokens_still_count() -> None:
    lines = '"integrity": "sha512-Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZg==",\n'
    lines += 'token = "a8Fk2Lq9Zx"\n'  # agent-guard: allow-secret test input
    assert scan("package-lock.json", lines) == []
    assert [f.line for f in scan("settings.json", lines)] == [2]
    assert len(scan("yarn.lock", f"  token {fakes.github_token()}\n")) == 1


def test_base64_of_plain_text_is_accepted_in_fixture_paths_only() -> None:
    line = 'token = "dGhpcyBpcyBqdXN0IGEgdGVzdCBmaXh0dXJlLCBubyBzZWNyZXQ="\n'
    assert scan("tests/fixtures/auth.py", line) == []
    assert len(scan("app/auth.py", line)) == 1
    assert len(scan("tests/fixtures/auth.py", line, fixture_paths=[])) == 1


def test_options_tune_length_entropy_and_placeholders() -> None:
    short = 'password = "Zq8!x2Lp"\n'
    assert scan("a.py", short) == []
    assert len(scan("a.py", short, min_length=8)) == 1
    repetitive = 'password = "Ab1Cd2Ab1Cd2"\n'  # 2.6 bits per character
    assert scan("a.py", repetitive) == []
    assert len(scan("a.py", repetitive, min_entropy=2.5)) == 1
    staging = 'token = "Acme-Staging-1234abcd"\n'  # agent-guard: allow-secret test input
    assert scan("a.py", staging, placeholders=["staging"]) == []
    assert len(scan("a.py", staging)) == 1
    names = {option.name for option in OPTIONS}
    assert names == {"min_length", "min_entropy", "fixture_paths", "placeholders"}


def test_generic_assignments_in_each_file_type() -> None:
    # A fixed value: fakes.password() depends on how many fakes earlier tests drew, and a
    # draw with a quote or a comment sign would test the file format, not the scanner.
    secret = "Qm7vZ2xK9pL4wR8t"
    cases = {
        "settings.py": f'DB_PASSWORD = "{secret}"',
        "config.yaml": f"  db_password: {secret}",
        "config.json": f'  "dbPassword": "{secret}",',
        "config.toml": f'db_password = "{secret}"',
        "app.ini": f"password = {secret}",
        ".env": f"DB_PASSWORD={secret}",
        "app.ts": f"const dbPassword: string = '{secret}';",
    }
    for path, line in cases.items():
        [finding] = scan(path, line + "\n")
        assert dict(finding.extra)["kind"] == "assignment", path
        assert secret not in repr(finding)
    # Unquoted values are code, not strings, outside config formats.
    assert scan("settings.py", f"DB_PASSWORD = {secret}\n") == []


def test_a_pathological_megabyte_line_is_scanned_in_bounded_time() -> None:
    # Every pattern's prefix, repeated: the worst case for a backtracking regex engine.
    bait = "password=sk-ant-eyJAKIA://u:p@Bearer xoxb-glpat-" * 21_000
    assert len(bait) > 1_000_000
    assert scan(".env", bait + "\n") == []
    # A real token in the middle of a minified line is still found, at its column.
    token = fakes.github_token()
    minified = "var a=1;" * 65_000 + f'var t="{token}";' + "var b=2;" * 65_000
    [finding] = scan("dist/app.min.js", minified + "\n")
    assert finding.column == 8 * 65_000 + 8
    assert token not in repr(finding)
    assert finding.source is not None and len(finding.source) <= 210


@pytest.mark.parametrize(
    ("path", "secret"),
    [
        (".env", True),
        ("services/api/.env", True),
        (".env.production", True),
        (".env.example", False),
        (".env.sample", False),
        ("deploy/id_rsa", True),
        ("deploy/id_rsa.pub", False),
        ("home/.ssh/id_ed25519", True),
        ("certs/server.pem", True),
        ("certs/server.key", True),
        ("certs/client.p12", True),
        ("gcp/credentials.json", True),
        ("home/.aws/credentials", True),
        (".aws/credentials", True),
        ("home/.netrc", True),
        ("vault.kdbx", True),
        ("src/keyboard.py", False),
        ("docs/credentials.md", False),
        ("aws/credentials_test.py", False),
    ],
)
def test_files_that_are_secrets_by_name(path: str, secret: bool) -> None:
    assert is_secret_file(path) is secret


def test_secret_file_is_reported_when_added_not_when_modified() -> None:
    added = ChangedFile(".env", Status.ADDED, new_oid="1" * 40)
    finding = secret_file_finding(added, SETTINGS, "ab" * 20)
    assert finding is not None
    assert (finding.path, finding.line, finding.commit) == (".env", 1, "ab" * 20)
    assert "`.env`" in finding.message and ".gitignore" in finding.fix
    modified = ChangedFile(".env", Status.MODIFIED, old_oid="2" * 40, new_oid="1" * 40)
    assert secret_file_finding(modified, SETTINGS, None) is None
    renamed = ChangedFile("config/.env", Status.RENAMED, old_path=".env", new_oid="1" * 40)
    assert secret_file_finding(renamed, SETTINGS, None) is None
    template = ChangedFile(".env.example", Status.ADDED, new_oid="1" * 40)
    assert secret_file_finding(template, SETTINGS, None) is None


def test_a_token_prefix_inside_a_longer_word_is_not_a_token() -> None:
    body = fakes.github_token()[4:]
    assert scan("a.txt", f"see xghp_{body} and eyJeyJeyJ{body}\n") == []
    assert len(scan("a.txt", f"see ghp_{body}\n")) == 1


def test_a_yaml_flow_collection_is_structure_not_a_literal() -> None:
    # `agent-guard init` writes such lines; the key names a secret, the value is a mapping
    config = (
        "#   secret: {severity: error}  # .cursor/rules/backend.mdc:111\n"
        'secrets: [".env", "*.pem"]\n'
        "checks: {secret: {severity: error, exclude: [tests/**]}}\n"
    )
    assert scan(".agent-guard.yaml", config) == []
    # a credential inside a flow mapping is still judged by its own key
    [finding] = scan("app/settings.yaml", 'db: {host: db, password: "Zr8vQ2mXk9LpW4tNc7"}\n')
    assert finding.line == 1 and "assignment" in dict(finding.extra)["kind"]
