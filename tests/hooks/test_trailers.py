"""The Python trailer parser agrees with `git interpret-trailers --parse` on tricky messages."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent_guard.verdict import trailers


def git_parse(message: str) -> list[tuple[str, str]]:
    output = subprocess.run(
        ["git", "interpret-trailers", "--parse"],
        input=message.encode(),
        capture_output=True,
        check=True,
    ).stdout.decode()
    pairs = []
    for line in output.splitlines():
        token, _, value = line.partition(":")
        pairs.append((token, value.strip()))
    return pairs


TRICKY = [
    "Subject\n\nEscalation-Approved-By: Lead <lead@example.com>\n",
    "Subject\n\nbody text\nEscalation-Approved-By: Lead <lead@example.com>\n",
    "Escalation-Approved-By: Lead <lead@example.com>\n",  # the title is never trailers
    "Subject\nEscalation-Approved-By: Lead <lead@example.com>\n",
    "\nEscalation-Approved-By: Lead <lead@example.com>\n",
    "Subject\n\nEscalation-Approved-By: Lead <lead@example.com>\n\nmore text\n",
    "Subject\n\nbody\n\nEscalation-Approved-By: A <a@x>\nSigned-off-by: B <b@x>\n",
    "Subject\n\nnot a trailer line\nnot either\nnope\nSigned-off-by: B <b@x>\n",
    "Subject\n\nnot a trailer\nx\ny\nz\nw\nSigned-off-by: B <b@x>\nEscalation-Approved-By: A\n",
    "Subject\n\nKey: value\n  continued here\n\tand here\nOther: x\n",
    "Subject\n\nKey: value\n# a comment\n  not continued\n",
    "Subject\n\nKey : spaced token\nKey2:no space\n",
    "Subject\n\nBad Token: value\n",
    "Subject\n\n:novalue\n",
    "Subject\n\nKey: v\n---\nOther: x\n",
    "Subject\n\nKey: v\n---foo\n",
    "Subject\n\nbody\n---foo\n\nKey: v\n",
    "Subject\n\nKey: v\n# ------------------------ >8 ------------------------\nX: y\n",
    "Subject\n\nKey: v\n\n# Please enter the commit message\n#\n",
    "Subject\n\nKey: v\n\nConflicts:\n\ta.py\n",
    "Subject\n\nKey: v\n   \n",
    "Subject\n\nKey:\n",
    "Subject\n\nKey: v\r\nOther: w\r\n",
    "Subject\n\n  Indented: no\nKey: v\n",
    "Subject\n\n(cherry picked from commit abc)\nsome text\n",
    "# comment title\n\nKey: v\n",
    "Subject\n\nesCalation-approved-by: lower <l@x>\n",
    "",
    "\n\n\n",
    "Subject\n\nKey: a: b: c\n",
    "Subject\n\nKey: v\n\u00a0not space\n",
]


@pytest.mark.parametrize("message", TRICKY)
def test_matches_git_on_tricky_messages(message: str) -> None:
    assert trailers.parse(message) == git_parse(message)


LINES = st.sampled_from(
    [
        "",
        " ",
        "Subject",
        "text",
        "Key: v",
        "Escalation-Approved-By: Lead <lead@example.com>",
        "Signed-off-by: A <a@x>",
        "  continuation",
        "\tcont",
        "# comment",
        "---",
        "--- x",
        "---x",
        "Conflicts:",
        "\tpath.py",
        "a b: c",
        "x:",
        ":",
        "(cherry picked from commit 1)",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINES, max_size=10), st.booleans())
def test_matches_git_on_generated_messages(lines: list[str], final_newline: bool) -> None:
    message = "\n".join(lines) + ("\n" if final_newline and lines else "")
    assert trailers.parse(message) == git_parse(message)


def test_values_are_matched_case_insensitively() -> None:
    message = "Subject\n\nescalation-approved-by: Lead <lead@example.com>\nOther: x\n"
    assert trailers.values(message, "Escalation-Approved-By") == ["Lead <lead@example.com>"]
