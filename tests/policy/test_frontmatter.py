"""Front matter as people write it: Cursor's not-quite-YAML, Copilot's applyTo, errors."""

from __future__ import annotations

import pytest

from agent_guard.errors import UsageError
from agent_guard.policy.frontmatter import parse_front_matter


def front(block: str, body: str = "body\n") -> str:
    return f"---\n{block}---\n{body}"


@pytest.mark.parametrize(
    ("line", "globs"),
    [
        ("globs: **/*.py", ["**/*.py"]),  # an alias error in strict YAML
        ("globs: src/**/*.py, tests/**", ["src/**/*.py", "tests/**"]),
        ('globs: "app/**/*.py"', ["app/**/*.py"]),
        ("globs: [app/*.py, lib/*.py]", ["app/*.py", "lib/*.py"]),
        ("globs:\n  - app/**\n  - 'lib/**'", ["app/**", "lib/**"]),
        ("globs: *.py,*.pyi", ["*.py", "*.pyi"]),
    ],
)
def test_globs_in_every_form_become_a_list(line: str, globs: list[str]) -> None:
    parsed = parse_front_matter(front(line + "\n"), "r.mdc")
    assert parsed.data["globs"] == globs


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ('"true"', True), ("'false'", False), ("yes", True), ("False", False)],
)
def test_always_apply_is_a_boolean_however_it_is_quoted(value: str, expected: bool) -> None:
    parsed = parse_front_matter(front(f"alwaysApply: {value}\n"), "r.mdc")
    assert parsed.data["alwaysApply"] is expected


def test_other_keys_are_kept_and_lines_map_into_the_whole_file() -> None:
    text = front("trigger: manual\ndescription: Role: backend dev\nglobs: **/*.py\nowner: ops\n")
    parsed = parse_front_matter(text, "r.mdc")
    assert parsed.data["trigger"] == "manual"
    assert parsed.data["description"] == "Role: backend dev"
    assert parsed.data["owner"] == "ops"
    assert parsed.key_lines == {"trigger": 2, "description": 3, "globs": 4, "owner": 5}
    assert parsed.body_line == 7
    assert text[parsed.body_offset :] == "body\n"


def test_valid_yaml_keeps_its_types() -> None:
    parsed = parse_front_matter(front("priority: 3\ntags: [a, b]\nglobs: '**/*.py'\n"), "r.mdc")
    assert parsed.data["priority"] == 3
    assert parsed.data["tags"] == ["a", "b"]
    assert parsed.globs == ("**/*.py",)


def test_a_glob_for_everything_means_no_scope() -> None:
    assert parse_front_matter(front("globs: '**'\n"), "r.mdc").globs == ()


def test_copilot_apply_to_scopes_the_rule_file() -> None:
    parsed = parse_front_matter(front('applyTo: "app/**/*.py,tests/**"\n'), "x.instructions.md")
    assert parsed.globs == ("app/**/*.py", "tests/**")


def test_no_front_matter_is_empty() -> None:
    parsed = parse_front_matter("# Title\n- rule\n", "AGENTS.md")
    assert parsed.data == {}
    assert parsed.body_line == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\nglobs: a\nbody\n", "r.mdc:1:1: front matter opened with '---' is never closed"),
        (front("alwaysApply: sometimes\n"), "r.mdc:2:1: front matter: alwaysApply must be "
         "true or false, got 'sometimes'"),
        (front("globs: **/*.py\njust words\n"), "r.mdc:3:1: front matter: expected 'key: value', "
         "got 'just words'"),
        (front("globs: [**/*.py\n"), "r.mdc:2:1: front matter: '[' is never closed"),
    ],
)  # fmt: skip
def test_bad_front_matter_is_one_line_with_its_position(text: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_front_matter(text, "r.mdc")
    assert str(raised.value) == message
