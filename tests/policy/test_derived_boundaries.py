"""Boundary sentences become components and boundaries when both sides can be mapped."""

from __future__ import annotations

import pytest

from agent_guard.policy.config import Config, parse_yaml_config
from agent_guard.policy.load import compile_files
from agent_guard.policy.model import Policy

PACKAGES = ("app", "app/api", "app/db", "app/services", "app/whatsapp", "tests/api")


def compiled(text: str, packages: tuple[str, ...] | None = PACKAGES, config: str = "") -> Policy:
    listing = None if packages is None else (lambda: packages)
    parsed = parse_yaml_config(config, ".agent-guard.yaml") if config else Config()
    return compile_files(parsed, [("AGENTS.md", text.encode())], packages=listing)


def edges(policy: Policy) -> set[tuple[str, str, bool]]:
    return {(b.source, b.target, b.indirect) for b in policy.boundaries}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("- The api layer must not import from the db layer.", {("api", "db", False)}),
        ("- API code should never import the database.", {("api", "database", False)}),
        ("- WhatsApp never talks to the DB directly.", {("whatsapp", "db", False)}),
        ("- WhatsApp never talks to the DB.", {("whatsapp", "db", True)}),
        ("- Services and db code must never mix.", {("services", "db", False),
                                                    ("db", "services", False)}),
        ("- The whatsapp module must not depend on services.", {("whatsapp", "services", True)}),
    ],
)  # fmt: skip
def test_sentences_naming_two_packages_draw_a_boundary(
    sentence: str, expected: set[tuple[str, str, bool]]
) -> None:
    policy = compiled(f"# Architecture\n\n{sentence}\n")
    assert edges(policy) == expected
    for name in {n for edge in expected for n in edge[:2]}:
        component = policy.components[name]
        assert component.origin == "AGENTS.md:3"
        assert component.paths.matches(f"app/{'db' if name == 'database' else name}/x.py")
    assert policy.enabled("boundary") is not None
    assert all(b.derived and b.rule and b.rule.line == 3 for b in policy.boundaries)


def test_a_package_found_twice_outside_tests_is_ambiguous() -> None:
    policy = compiled("- The api layer must not import from the db layer.\n",
                      (*PACKAGES, "legacy/db"))  # fmt: skip
    assert edges(policy) == set()
    assert any("could not map 'db'" in n and "app/db, legacy/db" in n for n in policy.notes)


def test_a_test_package_of_the_same_name_does_not_count() -> None:
    assert edges(compiled("- The api layer must not import from the db layer.\n")) == {
        ("api", "db", False)
    }  # tests/api is not a second `api`


def test_the_config_wins_over_the_tree() -> None:
    config = "components:\n  database: {paths: ['storage/**'], modules: ['storage']}\n"
    policy = compiled("- The api layer must not import from the DB layer.\n", config=config)
    assert edges(policy) == {("api", "database", False)}
    assert policy.components["database"].origin == ""
    assert policy.components["api"].origin == "AGENTS.md:1"


def test_a_forbidden_import_list_under_a_scoped_heading() -> None:
    text = (
        "## Routers (app/api/**)\n\n"
        "- FORBIDDEN imports: `sqlalchemy`, `app.db.*`, FastAPI Request/Response\n"
    )
    policy = compiled(text, packages=None)  # no tree needed: the rule says where things are
    assert edges(policy) == {("app/api/**", "sqlalchemy", False), ("app/api/**", "app.db", False)}
    assert policy.components["sqlalchemy"].modules == ("sqlalchemy",)
    assert policy.components["app/api/**"].paths.matches("app/api/routes.py")
    assert "Response" not in policy.components  # a class, not a module


def test_a_forbidden_import_list_in_a_nested_rule_file() -> None:
    policy = compile_files(
        Config(), [("app/api/AGENTS.md", b"- Forbidden imports: sqlalchemy, boto3\n")]
    )
    assert edges(policy) == {("app/api/**", "sqlalchemy", False), ("app/api/**", "boto3", False)}


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("- WhatsApp never talks to the DB directly.\n", "could not map 'WhatsApp'"),
        ("- Allowed imports: fastapi, app.schemas\n", "allow-list"),
        ("## Repos (app/db/**)\n\n- ONLY layer allowed to import sqlalchemy\n", "allow-list"),
        ("- Never access the database directly.\n", "does not say which code"),
    ],
)
def test_sides_that_cannot_be_mapped_stay_advisory_and_say_why(text: str, note: str) -> None:
    policy = compiled(text, packages=("app", "app/db"))
    assert edges(policy) == set()
    assert any(note in n for n in policy.notes), policy.notes


@pytest.mark.parametrize(
    "sentence",
    [
        "Polling intervals are NOT user-configurable.",
        "The API is not the place for database migrations.",
        "Keep the db layer small; the api layer is thin.",
        "Use the services layer to reach the database.",
        "It's fine for services to import the db layer.",
        "You may import db models in services.",
        "Respect the architecture boundaries.",
        "Never use `src/legacy/*`.",
        "Do not talk to users about the database schema.",
    ],
)
def test_traps_draw_no_boundary(sentence: str) -> None:
    policy = compiled(f"- {sentence}\n", packages=(*PACKAGES, "app/users", "app/polling"))
    assert edges(policy) == set(), sentence
    assert policy.components == {}


def test_the_tree_is_listed_only_when_a_word_needs_it() -> None:
    asked: list[int] = []

    def listing() -> tuple[str, ...]:
        asked.append(1)
        return PACKAGES

    text = b"- Never call `eval()`.\n- FORBIDDEN imports: requests\n\n## X (app/api/**)\n"
    compile_files(Config(), [("AGENTS.md", text)], packages=listing)
    assert asked == []
    compile_files(Config(), [("AGENTS.md", b"- Api never imports db.\n")], packages=listing)
    assert asked == [1]
