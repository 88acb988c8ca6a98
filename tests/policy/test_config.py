"""`.agent-guard.yaml` / `[tool.agent-guard]`: the documented shape, and one-line errors."""

from __future__ import annotations

import re
import textwrap

import pytest

from agent_guard.errors import UsageError
from agent_guard.model import Severity
from agent_guard.policy.config import parse_pyproject_config, parse_yaml_config
from agent_guard.policy.load import compile_files
from agent_guard.policy.model import CheckSettings
from tests.conftest import EXAMPLES, ROOT, SEED_RULE_FILE

FULL = """\
rules: [".cursor/rules/*.mdc"]
components:
  whatsapp: {paths: ["app/whatsapp/**"]}
  db: {paths: ["app/db/**", "app/models.py"], modules: ["app.db", "sqlalchemy"]}
  llm: {paths: ["app/llm/**"]}
boundaries: [{from: whatsapp, to: db}]
escalation:
  approvers: ["lead", "lead@example.com"]
  protected: ["migrations/**"]
checks:
  print-call: {severity: warning, exclude: ["scripts/**"]}
"""


def test_the_documented_shape_parses() -> None:
    config = parse_yaml_config(FULL, ".agent-guard.yaml")
    assert config.rules == (".cursor/rules/*.mdc",)
    assert config.components["db"].modules == ("app.db", "sqlalchemy")
    assert [(b.source, b.target, b.indirect) for b in config.boundaries] == [
        ("whatsapp", "db", True)
    ]
    assert config.approvers == ("lead", "lead@example.com")
    assert config.protected == ("migrations/**",)
    assert config.checks["print-call"].severity is Severity.WARNING
    assert config.checks["print-call"].exclude == ("scripts/**",)


def test_the_example_config_parses() -> None:
    text = (EXAMPLES / ".agent-guard.yaml").read_text()
    config = parse_yaml_config(text, ".agent-guard.yaml")
    assert set(config.components) == {"whatsapp", "db", "llm", "crud"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rulez: []\n", "c.yaml:1:1: unknown key 'rulez' in the config (expected: rules, exclude, "
         "components, boundaries, escalation, checks, bindings)"),
        ("rules: 3\n", "c.yaml:1:8: rules must be a list of strings, got int 3"),
        ("components:\n  db: {paths: [1]}\n", "c.yaml:2:16: db.paths must be a list of strings, "
         "got int 1"),
        ("components:\n  db: {pats: [a]}\n", "c.yaml:2:8: unknown key 'pats' in component 'db' "
         "(expected: paths, modules, aliases)"),
        ("components:\n  db: {paths: [a]}\nboundaries:\n  - {from: whatsapp, to: db}\n",
         "c.yaml:4:12: boundary names component 'whatsapp', which is not defined in components "
         "(defined: db)"),
        ("checks:\n  no-such: {}\n", "c.yaml:2:3: unknown check 'no-such' (see `agent-guard "
         "explain`)"),
        ("checks:\n  print-call: {severity: fatal}\n", "c.yaml:2:26: severity must be warning, "
         "error or escalate, got 'fatal'"),
        ("checks:\n  print-call: {enabled: maybe}\n", "c.yaml:2:25: enabled must be true or "
         "false, got 'maybe'"),
        ("escalation:\n  approvers: lead\n  who: x\n", "c.yaml:3:3: unknown key 'who' in "
         "escalation (expected: approvers, protected, allowed_signers, pusher_env, "
         "server_suppressible)"),
        ("rules: [a\n", "c.yaml:2:1: invalid YAML: expected ',' or ']', but got '<stream end>'"),
        ("a: 1\na: 2\n", "c.yaml:2:1: duplicate key 'a'"),
        ("bindings:\n  '(': [secret]\n", "c.yaml:2:3: binding '(' is not a valid regular "
         "expression: missing ), unterminated subpattern at position 0"),
    ],
)  # fmt: skip
def test_config_errors_are_one_line_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_yaml_config(text, "c.yaml")
    assert str(raised.value) == message


def test_check_options_are_validated_against_the_module_options() -> None:
    from agent_guard.checks import broad_except

    assert "require_exc_info" in {option.name for option in broad_except.OPTIONS}
    good = parse_yaml_config("checks:\n  broad-except: {require_exc_info: false}\n", "c.yaml")
    assert good.checks["broad-except"].options == {"require_exc_info": False}
    with pytest.raises(UsageError, match=r"^c.yaml:2:\d+: unknown key 'colour'"):
        parse_yaml_config("checks:\n  broad-except: {colour: red}\n", "c.yaml")
    with pytest.raises(
        UsageError, match=r"^c.yaml:2:\d+: checks.broad-except.require_exc_info must be true or"
    ):
        parse_yaml_config("checks:\n  broad-except: {require_exc_info: 'no'}\n", "c.yaml")


def test_pyproject_table() -> None:
    text = textwrap.dedent("""\
        [project]
        name = "x"

        [tool.agent-guard]
        rules = ["AGENTS.md"]

        [tool.agent-guard.components.db]
        paths = ["app/db/**"]

        [tool.agent-guard.checks.print-call]
        severity = "warning"
        """)
    config = parse_pyproject_config(text, "pyproject.toml")
    assert config is not None
    assert config.rules == ("AGENTS.md",)
    assert config.components["db"].paths == ("app/db/**",)
    assert config.checks["print-call"].severity is Severity.WARNING
    assert parse_pyproject_config('[project]\nname = "x"\n', "pyproject.toml") is None
    with pytest.raises(UsageError) as raised:
        parse_pyproject_config('[tool.agent-guard]\nrules = ["a"]\nbogus = 1\n', "pyproject.toml")
    assert str(raised.value).startswith("pyproject.toml:3:1: unknown key 'bogus'")


def compile_seed(config_text: str) -> object:
    config = parse_yaml_config(config_text, ".agent-guard.yaml")
    return compile_files(config, [("seed.mdc", SEED_RULE_FILE.read_bytes())])


def test_config_severity_overrides_the_rules_words() -> None:
    from agent_guard.policy.model import Policy

    policy = compile_seed(
        "checks:\n  print-call: {severity: warning}\n  secret: {enabled: false}\n"
    )
    assert isinstance(policy, Policy)
    assert policy.checks["print-call"].severity is Severity.WARNING
    assert "secret" not in policy.checks


def test_bindings_override_recognition_by_tag_path_or_text() -> None:
    from agent_guard.policy.model import Policy

    policy = compile_seed(
        "bindings:\n  testing_policy/rule: []\n  'redundant or low-value': [print-call]\n"
        "  'Never use print': []\n"
    )
    assert isinstance(policy, Policy)
    by_line = {rule.line: rule for rule in policy.rules}
    assert by_line[85].checks == ("print-call",)  # tag path binds [], the later text binding wins
    assert by_line[112].checks == ()
    assert by_line[112].severity is Severity.ADVISORY
    assert [rule.line for rule in policy.checks["print-call"].rules] == [85]
    assert policy.checks["print-call"].severity is Severity.WARNING  # "Avoid ..." is a warning


def test_architecture_rules_resolve_to_configured_components() -> None:
    from agent_guard.policy.model import Policy

    policy = compile_seed(
        "components:\n  whatsapp: {paths: ['app/whatsapp/**']}\n"
        "  database: {paths: ['app/db/**']}\n"
        "  llm: {paths: ['app/llm/**']}\n"
    )
    assert isinstance(policy, Policy)
    [boundary] = policy.boundaries
    assert (boundary.source, boundary.target, boundary.indirect) == ("whatsapp", "database", False)
    assert boundary.rule is not None and boundary.rule.line == 25
    assert policy.checks["llm-writes"].options["components"] == ("llm",)
    assert policy.notes == ()


def test_the_examples_in_docs_config_md_are_valid() -> None:
    text = (ROOT / "docs" / "config.md").read_text()
    [yaml_block] = re.findall(r"```yaml\n(.*?)```", text, re.DOTALL)
    config = parse_yaml_config(yaml_block, "docs.yaml")
    assert {b.target for b in config.boundaries} == {"db", "crud"}
    [toml_block] = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    assert parse_pyproject_config(toml_block, "pyproject.toml") is not None


def test_the_option_tables_of_docs_config_are_the_declarations() -> None:
    """docs/config.md's option tables are generated from each check's OPTIONS; regenerate
    with `.venv/bin/python -c 'from agent_guard.checks.options import write_docs;
    write_docs()'`."""
    from pathlib import Path

    from agent_guard.checks.options import docs_section
    from agent_guard.checks.registry import CHECKS

    docs = (Path(__file__).parents[2] / "docs" / "config.md").read_text(encoding="utf-8")
    assert docs_section((info.slug, info.code, info.module) for info in CHECKS) in docs


def test_a_list_option_is_a_list_however_it_was_written() -> None:
    from agent_guard.checks.refactor_explained import WHY_WORDS

    flow = parse_yaml_config("checks:\n  refactor-explained: {why_words: [because]}\n", "c.yaml")
    block = parse_yaml_config(
        "checks:\n  refactor-explained:\n    why_words:\n      - because\n", "c.yaml"
    )
    for config in (flow, block):
        settings = CheckSettings("refactor-explained", Severity.ERROR,
                                 options=config.checks["refactor-explained"].options)  # fmt: skip
        assert WHY_WORDS.value(settings) == ["because"]
    with pytest.raises(UsageError, match=r"why_words must be a list of strings, got a mapping"):
        parse_yaml_config("checks:\n  refactor-explained: {why_words: {a: b}}\n", "c.yaml")
