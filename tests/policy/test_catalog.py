"""The catalog reads rules by meaning: the seed's words and paraphrases map the same."""

from __future__ import annotations

import pytest

from agent_guard.model import Severity
from agent_guard.policy import catalog
from agent_guard.policy.config import Config
from agent_guard.policy.load import compile_files
from tests.conftest import SEED_RULE_FILE

# What the issue requires the seed to map: line -> checks (the rest stay advisory or map
# as a bonus, e.g. line 40 "separation between routing, business logic" -> logic-in-route).
REQUIRED = {
    19: ("protected-file",),
    25: ("boundary", "llm-writes"),
    31: ("new-dependency",),
    46: ("async-without-await",),
    58: ("blocking-in-async",),
    72: ("refactor-explained",),
    100: ("async-without-await",),
    101: ("blocking-in-async",),
    102: ("mutable-default",),
    103: ("missing-annotation",),
    104: ("import-cycle",),
    105: ("logic-in-route",),
    109: ("protected-file",),
    110: ("boundary",),
    111: ("secret",),
    112: ("print-call",),
    113: ("broad-except",),
}

# Each seed rule, said differently; each must bind the same checks as the original.
PARAPHRASES: list[tuple[str, tuple[str, ...]]] = [
    ("Always get approval before you edit models.py or schemas.py.", ("protected-file",)),
    ("Do not change app/models.py or schemas.py unless a human approves it.", ("protected-file",)),
    ("Escalate to the lead before touching models.py or schemas.py", ("protected-file",)),
    ("Honour the architecture rules: WhatsApp must not access the database directly and "
     "the LLM must never write data.", ("boundary", "llm-writes")),
    ("The LLM layer is read-only.", ("llm-writes",)),
    ("Favour the stdlib; new third-party dependencies need a reason.", ("new-dependency",)),
    ("Don't add new packages when built-in modules will do.", ("new-dependency",)),
    ("Only use async for I/O-bound code.", ("async-without-await",)),
    ("No needless async: a coroutine without I/O is a smell.", ("async-without-await",)),
    ("Never call time.sleep() in a coroutine.", ("blocking-in-async",)),
    ("Do not block the asyncio event-loop.", ("blocking-in-async",)),
    ("No blocking calls inside async functions.", ("blocking-in-async",)),
    ("Refactoring commits must describe what changed and why.", ("refactor-explained",)),
    ("When you refactor, explain the refactoring in the commit message.",
     ("refactor-explained",)),
    ("Don't use lists or dicts as default values of parameters (mutable defaults).",
     ("mutable-default",)),
    ("All functions need type hints.", ("missing-annotation",)),
    ("Avoid untyped code: annotate every function.", ("missing-annotation",)),
    ("No import cycles between modules.", ("import-cycle",)),
    ("Avoid cyclic dependencies.", ("import-cycle",)),
    ("Keep domain logic out of API endpoints.", ("logic-in-route",)),
    ("Route handlers stay thin and delegate to services.", ("logic-in-route",)),
    ("Respect the architectural boundaries at all times.", ("boundary",)),
    ("Never check in API keys, passwords or tokens.", ("secret",)),
    ("Don't leave print statements in production code.", ("print-call",)),
    ("Use logging instead of print.", ("print-call",)),
    ("Never swallow all exceptions silently.", ("broad-except",)),
    ("Don't write bare except clauses or catch Exception.", ("broad-except",)),
]  # fmt: skip


def seed_policy_rules() -> dict[int, tuple[str, ...]]:
    policy = compile_files(Config(), [("seed.mdc", SEED_RULE_FILE.read_bytes())])
    return {rule.line: rule.checks for rule in policy.rules}


def test_seed_maps_every_rule_the_issue_names() -> None:
    mapped = seed_policy_rules()
    for line, checks in REQUIRED.items():
        assert mapped[line] == checks, f"seed.mdc:{line}"


def test_seed_rules_no_check_covers_stay_advisory() -> None:
    mapped = seed_policy_rules()
    for line in (9, 11, 39, 41, 42, 50, 54, 65, 69, 78, 82, 85, 91, 94, 116):
        assert mapped[line] == (), f"seed.mdc:{line}"


@pytest.mark.parametrize(("text", "checks"), PARAPHRASES)
def test_paraphrases_map_to_the_same_checks(text: str, checks: tuple[str, ...]) -> None:
    assert catalog.recognise(text) == checks


@pytest.mark.parametrize(
    ("text", "tag_path", "severity"),
    [
        ("You must always escalate before modifying models.py", "x", Severity.ESCALATE),
        ("Never modify models.py without escalation", "never_do/rule", Severity.ESCALATE),
        ("Never use print()", "x", Severity.ERROR),
        ("You must explain what was refactored", "x", Severity.ERROR),
        ("Do not block the event loop", "x", Severity.ERROR),
        ("Avoid mutable defaults", "x", Severity.WARNING),
        ("Prefer the standard library; add packages only when it cannot be done", "x",
         Severity.WARNING),
        ("Using mutable default arguments", "top_mistakes_to_avoid/mistake", Severity.WARNING),
        ("Use async only for I/O", "guideline", None),
    ],
)  # fmt: skip
def test_severity_follows_the_words(text: str, tag_path: str, severity: Severity | None) -> None:
    assert catalog.wording_severity(text, tag_path) is severity


def test_protected_paths_from_escalation_rules() -> None:
    assert catalog.protected_patterns(
        "Escalate before modifying models.py, app/db/schema.sql or migrations/"
    ) == ("**/models.py", "app/db/schema.sql", "migrations/**")
    assert catalog.protected_patterns("models.py holds the tables") == ()


def test_claims_name_components_as_written() -> None:
    claims = catalog.claims("(e.g., WhatsApp never talks to DB directly, LLM never writes data)")
    assert set(claims) == {
        catalog.Claim("WhatsApp", "DB", direct_only=True),
        catalog.Claim("LLM"),
    }
    assert catalog.claims("You must never write data by hand") == ()
    assert catalog.claims("The billing service must not call payments") == (
        catalog.Claim("billing", "payments"),
    )
