"""Rule bodies: `<agent>` XML with true line numbers, Markdown bullets, and clear errors."""

from __future__ import annotations

import pytest

from agent_guard.errors import UsageError
from agent_guard.policy.rulefile import parse_rule_file
from tests.conftest import SEED_RULE_FILE

# Every rule of the seed: (line of its element in the whole file, tag path).
SEED_RULES = [
    (9, "name"), (11, "role_definition"),
    (19, "authority_boundaries/database_models"), (25, "authority_boundaries/architecture"),
    (31, "authority_boundaries/dependencies"),
    *[(line, "primary_responsibilities/responsibility") for line in (39, 40, 41, 42)],
    *[(line, "async_and_concurrency/guideline") for line in (46, 50, 54, 58)],
    *[(line, "refactoring_policy/rule") for line in (65, 69, 72)],
    *[(line, "testing_policy/rule") for line in (78, 82, 85)],
    (91, "tradeoffs/priority"), (94, "tradeoffs/priority"),
    *[(line, "top_mistakes_to_avoid/mistake") for line in range(100, 106)],
    *[(line, "never_do/rule") for line in range(109, 114)],
    (116, "operating_mindset"),
]  # fmt: skip


def test_every_seed_rule_has_its_true_line_and_tag_path() -> None:
    parsed = parse_rule_file("seed.mdc", SEED_RULE_FILE.read_bytes())
    assert [(rule.line, rule.tag_path) for rule in parsed.rules] == SEED_RULES
    lines = SEED_RULE_FILE.read_text().splitlines()
    for rule in parsed.rules:  # the line really holds the element's opening tag
        assert lines[rule.line - 1].strip().startswith("<" + rule.tag_path.split("/")[-1])
    assert parsed.front_matter.data["globs"] == ["**/*.py"]


def test_rule_text_is_normalised() -> None:
    parsed = parse_rule_file("seed.mdc", SEED_RULE_FILE.read_bytes())
    by_line = {rule.line: rule.text for rule in parsed.rules}
    assert by_line[58] == (
        "Never block the event loop with synchronous I/O or time.sleep() inside async functions."
    )


def test_markdown_around_the_xml_is_ignored_and_inline_markup_is_text() -> None:
    text = (
        "---\nglobs: app/**\n---\n# Team rules\nSome prose with a <b>tag</b> & an ampersand.\n\n"
        "<agent>\n  <never_do>\n    <rule>Never use <code>print()</code> in app code</rule>\n"
        "    <rule>Keep R&D code out & a < b</rule>\n  </never_do>\n</agent>\n\n- not a rule\n"
    )
    parsed = parse_rule_file("r.mdc", text.encode())
    assert [(r.line, r.tag_path, r.text) for r in parsed.rules] == [
        (9, "never_do/rule", "Never use print() in app code"),
        (10, "never_do/rule", "Keep R&D code out & a < b"),
    ]


def test_section_text_and_nested_rules_are_separate_rules() -> None:
    text = (
        "<agent><policy>\n  Intro sentence.\n  <rule>First</rule>\n  <rule>Second</rule>\n"
        "</policy></agent>"
    )
    parsed = parse_rule_file("r.mdc", text.encode())
    assert [(r.line, r.tag_path, r.text) for r in parsed.rules] == [
        (1, "policy", "Intro sentence."),
        (3, "policy/rule", "First"),
        (4, "policy/rule", "Second"),
    ]


def test_check_attribute_binds_checks_and_is_inherited() -> None:
    text = (
        '<agent>\n<never_do check="print-call">\n  <rule>Do not debug with stdout</rule>\n'
        '  <rule check="AG103, secret">Handle errors properly</rule>\n'
        '  <rule check="">Never print secrets</rule>\n</never_do>\n</agent>\n'
    )
    parsed = parse_rule_file("r.mdc", text.encode())
    assert [r.explicit for r in parsed.rules] == [("print-call",), ("broad-except", "secret"), ()]


def test_unknown_check_in_attribute_is_an_error_at_its_line() -> None:
    text = '---\na: b\n---\n<agent>\n  <rule check="no-such-check">x</rule>\n</agent>\n'
    with pytest.raises(UsageError) as raised:
        parse_rule_file("r.mdc", text.encode())
    assert str(raised.value).startswith("r.mdc:5:1: unknown check 'no-such-check'")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<agent>\n  <rule>open\n</agent>\n",
         "r.mdc:7:9: invalid XML: Opening and ending tag mismatch: rule line 6 and agent"),
        ("<agent>\n  <rule>x</rule>\n", "r.mdc:7:"),
        ("<agent>\n  <rule>x</rulez>\n</agent>\n", "r.mdc:6:"),
    ],
)  # fmt: skip
def test_malformed_xml_is_reported_at_its_line_in_the_whole_file(body: str, expected: str) -> None:
    text = "---\nglobs: '*.py'\n---\n\n" + body
    with pytest.raises(UsageError) as raised:
        parse_rule_file("r.mdc", text.encode())
    assert str(raised.value).startswith(expected)
    assert "\n" not in str(raised.value)


def test_markdown_rule_file_bullets_with_heading_chain() -> None:
    text = (
        "# Agents guide\n\nIntro paragraph, not a rule.\n\n## Code style\n\n"
        "- Never use print() in library code;\n  use logging instead.\n"
        "* Avoid mutable default arguments\n\n### Async\n\n1. Never call time.sleep in async code\n"
        "```python\n- not a bullet in code\n```\n\n## Security\n- Never commit secrets"
        " <!-- check: secret -->\n---\n"
    )
    parsed = parse_rule_file("AGENTS.md", text.encode())
    assert [(r.line, r.tag_path, r.text, r.explicit) for r in parsed.rules] == [
        (3, "Agents guide", "Intro paragraph, not a rule.", None),  # prose is read too
        (7, "Agents guide/Code style",
         "Never use print() in library code; use logging instead.", None),
        (9, "Agents guide/Code style", "Avoid mutable default arguments", None),
        (13, "Agents guide/Code style/Async", "Never call time.sleep in async code", None),
        (19, "Agents guide/Security", "Never commit secrets", ("secret",)),
    ]  # fmt: skip


def test_copilot_instructions_file_with_apply_to() -> None:
    text = '---\napplyTo: "app/**/*.py"\n---\n# Python\n- Never catch broad Exception\n'
    parsed = parse_rule_file(".github/instructions/py.instructions.md", text.encode())
    assert parsed.front_matter.globs == ("app/**/*.py",)
    assert [(r.line, r.tag_path) for r in parsed.rules] == [(5, "Python")]


def test_undecodable_rule_file_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^r.mdc: rule file is not UTF-8"):
        parse_rule_file("r.mdc", b"\xff\xfe<agent>")
