"""A Gate changes how fast a pattern is searched, never what it finds."""

from __future__ import annotations

import re

import pytest

from agent_guard.policy import binders, grammar, rulefile
from agent_guard.policy.gate import Gate, contains_any
from tests.policy.test_markdown import big_rule_file

# Sentences shaped like real rule files, each meant to wake at least one gate.
SENTENCES = (
    "Never call `eval()` in production code.",
    "You MUST NOT push to main; open a pull request instead.",
    "Don't use bare `except`, catch specific exceptions unless you re-raise.",
    "Do not edit generated files by hand - run the generator.",
    "Prefer `pathlib` over `os.path`, not `os.path.join`.",
    "It's OK to print in CLI entry points.",
    "You can use relative imports within a package.",
    "Ask first before changing the database schema.",
    "Escalate to a maintainer for approval when touching auth.",
    "Avoid star imports; use absolute imports at the top of the module.",
    "Steer clear of global state. Refrain from wildcard imports.",
    "Always add type hints; annotate public functions — no implicit Any types.",
    "Tests must not contain conditionals, except for parametrised tests.",
    "Use anyio, not asyncio.",
    "The frontend uses TypeScript (`src/app.tsx`), never plain .js files.",
    "Valid exceptions: scripts under tools/ and other than that nothing.",
    "Never use `requests` without a timeout.",
    "Mocks only in tests, asserts only in tests.",
    "Under no circumstances reject a PR -> ask a human.",
    "Polling intervals are NOT user-configurable.",
    "Use `# type: ignore` only if you must, and `# noqa` with a reason.",
    "Keep f-strings out of log calls; prefer raw SQL only in migrations.",
    "No default exports, no barrel files, no `unittest`.",
    "Shall not use it; this must not happen; which never occurs.",
    "Instead of x use y, rather than z; use `a` instead of `b`.",
    "Do not add docstrings unless asked. For example: keep them short.",
    "Use the helpers (e.g. `make_client`), not raw clients; use httpx",
    "No inline imports or imports inside functions; no `# pragma: no cover`.",
    "Avoid conditionals in tests.",
    "For example, never call `exit()` in a library.",
    "Forbidden imports: sqlalchemy, httpx. The only layer allowed to import boto3 is aws.",
    "Api and db code must never mix; respect layer boundaries and architecture rules.",
    "Never query the database directly.",
)


def _gates() -> list[tuple[str, Gate]]:
    found: list[tuple[str, Gate]] = []
    for module in (grammar, binders):
        for name, value in vars(module).items():
            if isinstance(value, Gate):
                found.append((f"{module.__name__}.{name}", value))
            elif isinstance(value, tuple):
                found.extend(
                    (f"{module.__name__}.{name}[{item[1]}]", item[0])
                    for item in value
                    if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], Gate)
                )
    return found


GATES = _gates()
TEXTS = (*SENTENCES, *(line for line in big_rule_file(300).splitlines() if line.strip()))


def test_the_modules_have_gates() -> None:
    names = {name.rpartition(".")[2] for name, _ in GATES}
    assert {"PROHIBIT", "EXCEPTION", "CLAUSE_SPLIT"} <= names
    assert any(name.startswith("CONSTRUCTS") for name in names)


@pytest.mark.parametrize(("name", "gate"), GATES, ids=[name for name, _ in GATES])
def test_a_gate_finds_what_its_pattern_finds(name: str, gate: Gate) -> None:
    assert all(needle == needle.lower() for needle in gate.needles), "needles are lower case"
    for text in TEXTS:
        for variant in (text, text.upper(), text.title()):
            expected = gate.pattern.search(variant)
            found = gate.search(variant)
            assert (found and found.span()) == (expected and expected.span()), (name, variant)
            lowered = gate.search(variant, variant.lower())  # the sentence lowered once
            assert (lowered and lowered.span()) == (expected and expected.span()), (name, variant)


def test_every_gate_is_woken_by_some_sentence() -> None:
    """The sentences above exercise each gate's pattern, so the test above means something."""
    asleep = [name for name, gate in GATES if not any(gate.pattern.search(t) for t in TEXTS)]
    assert asleep == []


def test_contains_any() -> None:
    assert contains_any("never use eval", ("eval", "exec"))
    assert not contains_any("never use eval", ("exec",))
    assert not contains_any("anything", ())


def test_a_gate_compiles_its_flags() -> None:
    assert Gate(r"NOT", ("not",), 0).search("not") is None
    assert Gate(r"NOT", ("not",)).search("not") is not None
    assert Gate(r"x", ("y",)).pattern.flags & re.IGNORECASE


def test_the_bare_code_test_never_hides_a_match() -> None:
    """`_may_hold_bare_code` skips BARE_CODE only on text it cannot match."""
    assert not grammar._may_hold_bare_code("Keep functions small and readable.")
    for text in TEXTS:
        for variant in (text, text.upper(), text.title(), text.lower()):
            if grammar.BARE_CODE.search(variant):
                assert grammar._may_hold_bare_code(variant), variant


def test_the_sentence_end_test_never_hides_a_cut() -> None:
    """`_may_end_sentence` skips the sentence splitter only on text it cannot cut."""
    assert not rulefile._may_end_sentence("Keep functions small (under 50 lines).")
    cuts = ("One. Two", "One.** Two", "One!\tTwo", "line\nnext", "一。二", "Why? `x`")
    for text in (*TEXTS, *cuts):
        for variant in (text, text.upper(), text.title(), text.lower()):
            if rulefile.SENTENCE_OR_LINE_END.search(variant):
                assert rulefile._may_end_sentence(variant), variant
    assert all(rulefile._may_end_sentence(text) for text in cuts)


def test_the_action_stems_never_hide_a_verb() -> None:
    """`_action` skips an action's pattern when none of its stems is in the sentence."""
    assert set(grammar.ACTION_STEMS) == {name for name, _ in grammar.ACTIONS}
    for text in TEXTS:
        for variant in (text, text.upper(), text.title()):
            bare = grammar._without_code(variant, " ")
            for name, pattern in grammar.ACTIONS:
                if pattern.search(bare):
                    assert contains_any(bare.lower(), grammar.ACTION_STEMS[name]), (name, bare)


def test_the_clause_split_look_ahead_changes_no_cut() -> None:
    """CLAUSE_SPLIT opens with a look-ahead of its alternatives' first characters (speed
    only): without it, every text splits the same."""
    lead = r"(?=[;,\s\u2014\u2013])"
    pattern = grammar.CLAUSE_SPLIT.pattern.pattern
    assert pattern.startswith(lead)
    inner = re.compile(pattern.removeprefix(lead))
    for text in (*TEXTS, "a \u2014b", "a\u2013 b", "x -> y", "a\t-\tb", "use x,  never y"):
        for variant in (text, text.upper(), text.title(), text.lower()):
            assert grammar.CLAUSE_SPLIT.pattern.split(variant) == inner.split(variant), variant
