"""Property-based tests: every parser of outside input returns a result or ONE clear error.

Rule files, front matter and configs are written by whoever edits the repository; diff and
log streams come from git; hook stdin comes from git or a host; commit messages come from
the agent. For arbitrary text and bytes each parser must either return a value or raise
`UsageError` (exit 2, one line) — never any other exception, which would print a traceback
and, in a hook, either let everything through or block everyone.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_guard.changes.diffparse import StreamReader, read_diff, read_log
from agent_guard.changes.sources import parse_pre_push, parse_pre_receive
from agent_guard.errors import UsageError
from agent_guard.hooks import clean_message
from agent_guard.policy.config import parse_pyproject_config, parse_yaml_config
from agent_guard.policy.frontmatter import parse_front_matter
from agent_guard.policy.load import load_policy
from agent_guard.policy.model import EscalationSettings
from agent_guard.policy.rulefile import parse_rule_file
from agent_guard.policy.saferegex import UnsafePattern, check_pattern
from agent_guard.verdict import trailers
from agent_guard.verdict.escalation import Identity, approval_trailers

FUZZ = settings(
    database=None,
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def result_or_usage_error(parse: Callable[[], object]) -> object:
    """Run `parse`; a UsageError must be a single, non-empty line."""
    try:
        return parse()
    except UsageError as error:
        text = str(error)
        assert text.strip(), "an error without a message"
        assert "\n" not in text and "\r" not in text, f"a multi-line error: {text!r}"
        return error


# -- strategies: random, and random-but-shaped-like-the-real-thing ---------------------------

# Text that stresses line handling and YAML/XML/Markdown syntax more than uniform unicode.
SYNTAX = st.sampled_from(
    [
        "---", "...", "\n", "\r\n", "\r", "\t", " ", ":", "- ", "[", "]", "{", "}", "<agent>",
        "</agent>", "<rule>", "</rule>", "<a>", "</a>", "&", "&amp;", "<!--", "-->", "<![CDATA[",
        "]]>", "<?xml version='1.0'?>", "<!DOCTYPE x [<!ENTITY e 'x'>]>", "&e;", "#", "*", "**",
        "globs:", "alwaysApply:", "applyTo:", "description:", "check=\"print-call\"", "check=\"",
        "'", '"', "\\", "\x00", "\x1b[31m", "\ufeff", "\u202e", "é", "```", "~~~", "1.", "!!",
        "&anchor", "*anchor", "!!python/object:os.system", "%YAML 1.1", "<!-- check: secret -->",
        "rules:", "checks:", "bindings:", "components:", "boundaries:", "escalation:", "from:",
        "to:", "severity:", "enabled:", "include:", "exclude:", "approvers:", "true", "false",
        "null", "~", "0x10", "1e309", "print-call", "secret", "AG001", "nope", "[tool.agent-guard]",
        "=", "[[", "]]", "{a = 1}", '"""', "|", ">", "?", "-", "(a+)+", "(?i)", "\u2028",
    ]
)  # fmt: skip
SHAPED_TEXT = st.lists(st.one_of(SYNTAX, st.text(max_size=8)), max_size=40).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=400), SHAPED_TEXT)
ANY_BYTES = st.one_of(
    st.binary(max_size=400),
    SHAPED_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.tuples(SHAPED_TEXT, st.binary(max_size=20)).map(lambda p: p[0].encode() + p[1]),
)


# -- policy files ----------------------------------------------------------------------------


@FUZZ
@given(ANY_BYTES)
def test_rule_file_parser(data: bytes) -> None:
    result_or_usage_error(lambda: parse_rule_file(".cursor/rules/x.mdc", data))


@FUZZ
@given(SHAPED_TEXT)
def test_rule_file_parser_with_front_matter_and_agent_body(body: str) -> None:
    text = f"---\ndescription: x\nglobs: **/*.py\n---\n<agent>\n{body}\n</agent>\n"
    result_or_usage_error(lambda: parse_rule_file("AGENTS.md", text.encode("utf-8", "replace")))


@FUZZ
@given(ANY_TEXT)
def test_front_matter_reader(text: str) -> None:
    result_or_usage_error(lambda: parse_front_matter(text, "x.mdc"))


@FUZZ
@given(SHAPED_TEXT)
def test_front_matter_reader_inside_fences(block: str) -> None:
    result = result_or_usage_error(lambda: parse_front_matter(f"---\n{block}\n---\nbody", "x.mdc"))
    if not isinstance(result, UsageError):
        assert isinstance(result.globs, tuple)  # type: ignore[attr-defined]


@FUZZ
@given(ANY_TEXT)
def test_yaml_config_loader(text: str) -> None:
    result_or_usage_error(lambda: parse_yaml_config(text, ".agent-guard.yaml"))


@FUZZ
@given(SHAPED_TEXT)
def test_pyproject_config_loader(text: str) -> None:
    result_or_usage_error(lambda: parse_pyproject_config(text, "pyproject.toml"))
    wrapped = f"[tool.agent-guard]\n{text}\n"
    result_or_usage_error(lambda: parse_pyproject_config(wrapped, "pyproject.toml"))


class MemorySource:
    """A PolicySource over a dict: the loader end to end without touching the disk."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def read(self, path: str) -> bytes | None:
        return self.files.get(path)

    def paths(self, patterns: Sequence[str]) -> list[str]:
        from agent_guard.policy.load import matches_pattern

        return sorted(p for p in self.files if any(matches_pattern(g, p) for g in patterns))

    def link_problem(self, path: str) -> str | None:
        return None

    def same_file(self, path: str) -> str | None:
        return None


@FUZZ
@given(config=ANY_BYTES, rules=ANY_BYTES)
def test_policy_loader_end_to_end(config: bytes, rules: bytes) -> None:
    """Config + rule file bytes -> a compiled Policy or one UsageError (compiler included)."""
    from pathlib import Path

    source = MemorySource({".agent-guard.yaml": config, ".cursor/rules/a.mdc": rules})
    result_or_usage_error(lambda: load_policy(Path("/nonexistent"), source=source))


# -- regular expressions from configs --------------------------------------------------------


@FUZZ
@given(st.one_of(st.text(max_size=60), SHAPED_TEXT))
def test_binding_patterns_are_compiled_or_refused(pattern: str) -> None:
    import re

    try:
        check_pattern(pattern)
    except (re.error, UnsafePattern):
        return


# -- git output and hook input ---------------------------------------------------------------

OID = st.text("0123456789abcdef", min_size=40, max_size=40)
RAW_RECORD = st.builds(
    lambda om, nm, a, b, status, path: f":{om} {nm} {a} {b} {status}\0{path}\0".encode(
        "utf-8", "surrogateescape"
    ),
    st.sampled_from(["000000", "100644", "100755", "120000", "160000", "zz"]),
    st.sampled_from(["000000", "100644", "100755", "120000"]),
    OID,
    OID,
    st.sampled_from(["A", "M", "D", "R100", "C050", "T", "X", ""]),
    st.text(min_size=0, max_size=12),
)
PATCH_LINE = st.one_of(
    st.sampled_from(
        [
            b"diff --git a/x b/x\n", b"@@ -1 +1 @@\n", b"@@ -0,0 +1,3 @@\n", b"@@ -3,2 +0,0 @@\n",
            b"@@ -1 +99999999999999999999 @@\n", b"@@ garbage\n", b"+added\n", b"-removed\n",
            b" context\n", b"\\ No newline at end of file\n", b"Binary files a/x and b/x differ\n",
            b"GIT binary patch\n", b"index 0000..1111 100644\n", b"--- a/x\n", b"+++ b/x\n",
            b"\x01" + b"a" * 40 + b"\x00\x00", b"\x01\xff\xfe\x00\x00", b"\x00", b"\n",
        ]
    ),
    st.binary(max_size=30),
)  # fmt: skip
DIFF_STREAM = st.lists(st.one_of(RAW_RECORD, PATCH_LINE), max_size=25).map(b"".join)


def _stream(data: bytes, chunk: int) -> StreamReader:
    return StreamReader(io.BytesIO(data), chunk=chunk, limit=64)


@FUZZ
@given(st.one_of(st.binary(max_size=600), DIFF_STREAM), st.sampled_from([1, 3, 7, 4096]))
def test_diff_parser(data: bytes, chunk: int) -> None:
    result_or_usage_error(lambda: read_diff(_stream(data, chunk)))


@FUZZ
@given(st.one_of(st.binary(max_size=600), DIFF_STREAM), st.sampled_from([1, 5, 4096]))
def test_log_parser(data: bytes, chunk: int) -> None:
    result_or_usage_error(lambda: list(read_log(_stream(b"\x01" + data, chunk))))
    result_or_usage_error(lambda: list(read_log(_stream(data, chunk))))


PUSH_LINE = st.one_of(
    st.builds(lambda a, b, r: f"{a} {b} {r}", OID, OID, st.text(max_size=20)),
    st.builds(lambda r, a, s, b: f"{r} {a} {s} {b}",
              st.text(max_size=10), OID, st.text(max_size=10), OID),
    st.text(max_size=80),
)  # fmt: skip
PUSH_STDIN = st.lists(PUSH_LINE, max_size=8).map("\n".join)


@FUZZ
@given(st.one_of(PUSH_STDIN, st.text(max_size=300)), st.sampled_from([None, 40, 64]))
def test_push_stdin_parsers_text(text: str, length: int | None) -> None:
    for parse in (parse_pre_receive, parse_pre_push):
        updates = result_or_usage_error(lambda: parse(text, length))  # noqa: B023
        if isinstance(updates, list):
            for update in updates:
                assert "\n" not in update.ref


@FUZZ
@given(st.one_of(st.binary(max_size=300), PUSH_STDIN.map(str.encode)))
def test_push_stdin_parsers_bytes(data: bytes) -> None:
    result_or_usage_error(lambda: parse_pre_receive(data))
    result_or_usage_error(lambda: parse_pre_push(data))


# -- commit messages -------------------------------------------------------------------------

MESSAGE_LINE = st.one_of(
    st.sampled_from(
        [
            "", "title", "Escalation-Approved-By: Lead <lead@example.com>",
            "Escalation-Approved-By:", "escalation-approved-by : x", "Signed-off-by: A <a@b>",
            "(cherry picked from commit abc)", "  continued", "\tcontinued", "# comment",
            "---", "--- ", "Conflicts:", "\tpath",
            "# ------------------------ >8 ------------------------",
            "token: value", ":", "a:b", " : ", "\r", "\x0b", "\u2028",
            "\x1b[31mEscalation-Approved-By: x",
        ]
    ),
    st.text(max_size=30),
)  # fmt: skip
MESSAGE = st.lists(MESSAGE_LINE, max_size=20).map("\n".join)


@FUZZ
@given(st.one_of(MESSAGE, st.text(max_size=300)), st.sampled_from(["#", ";", "%", "*"]))
def test_trailer_parser(message: str, comment: str) -> None:
    found = trailers.parse(message, comment_char=comment)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in found)
    assert all("\n" not in value for _, value in found)
    settings_ = EscalationSettings(approvers=("lead", "lead@example.com"))
    approval_trailers(message, settings_, comment_char=comment)
    clean_message(message, comment)


@FUZZ
@given(st.text(max_size=80))
def test_identity_parser(text: str) -> None:
    identity = Identity.parse(text)
    assert isinstance(identity.keys(), frozenset)
