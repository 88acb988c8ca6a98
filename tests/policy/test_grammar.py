"""The grammar reads force, action, targets, scope and exceptions; binders map them to checks.

Every sentence here is written for these tests, modelled on the shapes real rule files use.
The traps (point 3 of the issue) are sentences that permit, prescribe or merely mention what
a check forbids: none of them may bind that check.
"""

from __future__ import annotations

import pytest

from agent_guard.policy import binders, grammar


def bound(
    text: str, context: str = "", tag_path: str = "", globs: tuple[str, ...] = ()
) -> dict[str, dict[str, tuple[str, ...]]]:
    reading = grammar.read(text, context, tag_path, globs)
    heading = grammar.last_heading(tag_path)
    return dict(binders.bind(reading, f"{heading} / {context}" if heading else context))


@pytest.mark.parametrize(
    ("text", "force", "strength"),
    [
        ("Never call `eval()` on user input.", "prohibition", "block"),
        ("Do NOT touch the billing tables.", "prohibition", "block"),
        ("No `assert` statements in library code.", "prohibition", "block"),
        ("Avoid global state in request handlers.", "prohibition", "warn"),
        ("You must add a changelog entry.", "obligation", "block"),
        ("Use `httpx` for outbound calls.", "obligation", None),
        ("Prefer composition over inheritance.", "preference", "warn"),
        ("It is OK to print progress in the CLI.", "permission", None),
        ("You may skip the slow suite for docs-only edits.", "permission", None),
        ("Ask first before changing the public API.", "escalation", "escalate"),
        ("The scheduler runs every minute.", "none", None),
        ("Run the linters before you push, to avoid surprises in CI.", "obligation", None),
    ],
)
def test_force(text: str, force: str, strength: str | None) -> None:
    reading = grammar.read(text)
    assert (reading.force, reading.strength) == (force, strength), reading.explain()


def test_force_is_inherited_from_a_short_lead_in_only() -> None:
    assert grammar.read("Editing lock files by hand", "Never:").force == "prohibition"
    assert grammar.read("Bulk data migrations", "Ask first").force == "escalation"
    assert grammar.read("`${TOKEN}` placeholders", "Allowed patterns:").force == "permission"
    long_lead = "These are the places where the team usually keeps things that never change:"
    assert grammar.read("the settings module", long_lead).force == "none"


def test_targets_sides_scope_and_exception() -> None:
    reading = grammar.read("Use `perf_counter()` for timing, not `time.time()`.")
    assert reading.avoided == ("time.time()",)
    assert reading.preferred == ("perf_counter()",)
    reading = grammar.read("Prefer `dict[str, int]` over `Dict[str, int]`.")
    assert reading.avoided == ("Dict[str, int]",)
    reading = grammar.read("Never use `pickle.loads` in production code unless the input is ours.")
    assert "pickle.loads" in reading.avoided
    assert "tests/**" in reading.exclude
    assert reading.exception.startswith("unless")
    reading = grammar.read("Do not patch `time.sleep` in tests.")
    assert "tests/**" in reading.include
    reading = grammar.read("Never use `shutil.rmtree` without `ignore_errors=False`.")
    assert reading.avoided == ("shutil.rmtree without ignore_errors=False",)
    reading = grammar.read("Keep handlers small", tag_path="API layer (api/handlers/**)")
    assert reading.include == ("api/handlers/**",)


def test_language() -> None:
    assert grammar.read("Never use `any` in TypeScript code.").language == "other"
    assert grammar.read("No print calls.", "", "", ("web/**/*.tsx",)).language == "other"
    assert grammar.read("No print calls.", "", "", ("src/**/*.py",)).language == "python"
    assert not grammar.read("禁止使用全局变量").language_understood


# --- banned-code: at least 10 positive and 10 negative sentences ---------------------------

BANNED = [
    ("Never call `eval()` on anything a user sent.", "eval()"),
    ("Do not use `os.popen` to run commands.", "os.popen"),
    ("No `assert` in shipped code.", "assert"),
    ("Star imports are forbidden: never write `from pkg import *`.", "star-import"),
    ("Avoid relative imports across packages.", "relative-import"),
    ("Never use deferred imports.", "import-in-function"),
    ("Don't add `# type: ignore` comments.", "# type: ignore"),
    ("Use `zoneinfo`, not `pytz`.", "pytz"),
    ("Raise `ValueError` rather than `RuntimeError` for bad input.", "RuntimeError"),
    ("Use absolute imports everywhere.", "relative-import"),
    ("Never type anything with `Any`.", "Any"),
    ("Avoid default exports in components.", "export default"),
    ("Do not reach for `datetime.utcnow()`; use aware datetimes.", "datetime.utcnow()"),
]


@pytest.mark.parametrize(("text", "target"), BANNED)
def test_banned_code_binds_the_construct(text: str, target: str) -> None:
    found = bound(text)
    assert "banned-code" in found, grammar.read(text).explain()
    assert target in found["banned-code"]["targets"]


NOT_BANNED = [
    "Use `structlog` for all logging.",  # prescribes, names no alternative
    "It is fine to call `subprocess.run` with a list of arguments.",  # permits
    "The `settings.py` module holds the defaults.",  # mentions
    "Never push directly to `main`.",  # a branch, not code
    "Do not commit `dist/`.",  # a path, not code
    "Never run `pip install` outside the virtualenv.",  # a command
    "Use `uv add` to add dependencies.",  # a command
    "Never use `print()` for debugging.",  # print-call owns it
    "Never use bare `except:`.",  # broad-except owns it
    "Never call `time.sleep()` in a coroutine.",  # blocking-in-async owns it
    "Tests that assert the call order are welcome.",  # the word, not the statement
]


@pytest.mark.parametrize("text", NOT_BANNED)
def test_banned_code_stays_away(text: str) -> None:
    assert "banned-code" not in bound(text), grammar.read(text).explain()


def test_anti_pattern_lists_ban_their_leading_code() -> None:
    found = bound("cache.flush_all() in a request path → use scoped invalidation", "Anti-patterns")
    assert found["banned-code"]["targets"] == ("cache.flush_all()",)


# --- protected-file -------------------------------------------------------------------------

PROTECTED = [
    ("Never modify `vendor/`.", ("vendor/**",)),
    ("Do not edit files under `gen/api/` by hand.", ("gen/api/**",)),
    ("Do not delete anything from `fixtures/golden/`.", ("fixtures/golden/**",)),
    ("Never add changelog entries for `plugins/`.", ("plugins/**/entries/**",)),
    ("Ask first before changing `schema.sql`.", ("**/schema.sql",)),
    ("Avoid editing `web/` unless the task is about the frontend.", ("web/**",)),
    ("Never hand-edit `poetry.lock`.", ("**/poetry.lock",)),
    ("Do not manually modify `docs/reference/**`.", ("docs/reference/**",)),
    ("Never modify models.py without approval.", ("**/models.py",)),
    ("Schema migrations", ("**/migrations/**",)),  # under "Ask first", see below
]


@pytest.mark.parametrize(("text", "paths"), PROTECTED)
def test_protected_file_from_modify_words(text: str, paths: tuple[str, ...]) -> None:
    context = "Ask first: changes to" if text == "Schema migrations" else ""
    found = bound(text, context)
    assert found.get("protected-file", {}).get("paths") == paths, grammar.read(text).explain()


NOT_PROTECTED = [
    "Use the helpers in `app/util/dates.py`.",  # asks to use the file
    "When changing `models.py`, always add a migration.",  # a condition, then an obligation
    "Update `CHANGES.md` with every release.",  # asks to edit it
    "Commit the generated `schema.json` with the change.",  # prescribes committing it
    "Do not search for sources inside `.venv/`.",  # search, not modify
    "If the lock file conflicts, delete `uv.lock` and regenerate it.",  # prescribes deleting
    "The release commit may only touch `VERSION`.",  # permits
    "You can skip review for `docs/` typos.",  # permits
    "Keep `README.md` short.",  # no prohibition
    "Record every decision in `docs/adr/`.",  # prescribes writing there
]


@pytest.mark.parametrize("text", NOT_PROTECTED)
def test_protected_file_traps(text: str) -> None:
    assert "protected-file" not in bound(text), grammar.read(text).explain()


def test_generated_file_protects_itself() -> None:
    reading = grammar.read("Generated by tools/make_rules.py, do not edit")
    assert binders.bind(reading) == [("protected-file", {"paths": ("{file}",)})]


# --- boundary -------------------------------------------------------------------------------


def test_boundaries_from_import_lists_and_only_statements() -> None:
    tag = "Handlers (app/handlers/**)"
    found = bound("Forbidden imports: psycopg, requests, app.db.*", tag_path=tag)
    assert found["boundary"] == {
        "from": ("app/handlers/**",),
        "forbid": ("psycopg", "requests", "app.db"),
    }
    found = bound("Allowed imports: app.services.*, pydantic", tag_path=tag)
    assert found["boundary"]["allowed"] == ("app.services", "pydantic")
    found = bound("The only layer allowed to import boto3", tag_path="Storage (app/storage/**)")
    assert found["boundary"] == {"to": ("boto3",), "allowed_from": ("app/storage/**",)}
    assert bound("Web and worker code must not mix.")["boundary"] == {"between": ("web", "worker")}
    assert "boundary" in bound("Workers never access the database directly.")


@pytest.mark.parametrize(
    "text",
    [
        "Retry intervals are NOT configurable by users.",  # a fact, no action
        "Handlers must not call `repo.save()` directly.",  # a construct: banned-code
        "Services may import from `app.models`.",  # permits
    ],
)
def test_boundary_traps(text: str) -> None:
    assert "boundary" not in bound(text)


# --- commit-message, branch-protection, docstring -------------------------------------------


def test_commit_message_bindings() -> None:
    assert bound("Write commits as Conventional Commits.")["commit-message"] == {
        "format": ("conventional",)
    }
    assert bound("Types: feat, fix, docs, chore")["commit-message"]["types"] == (
        "feat",
        "fix",
        "docs",
        "chore",
    )
    assert bound("Never add a Co-Authored-By trailer naming the assistant to a commit.")[
        "commit-message"
    ] == {"forbid": ("Co-Authored-by",)}
    assert bound("Every commit must carry a Signed-off-by trailer.")["commit-message"] == {
        "require": ("Signed-Off-by",)
    }
    assert "commit-message" not in bound("Replies on the forum must end with a signature.")


def test_branch_protection_bindings() -> None:
    assert bound("Never push straight to `release`.")["branch-protection"]["branches"] == (
        "release",
    )
    assert bound("Never push to the review queue.") == {}  # no branch named
    found = bound("Never push directly to `release`.")["branch-protection"]
    assert found == {"forbid": ("push",), "branches": ("release",)}
    assert bound("Never force-push shared branches.")["branch-protection"]["forbid"] == (
        "force-push",
    )
    assert (
        "rewrite"
        in bound("Do not amend commits that are already pushed.")["branch-protection"]["forbid"]
    )
    assert "branch-protection" not in bound("Always rebase onto the target branch first.")
    assert "branch-protection" not in bound("The bot must never push, open or merge a PR.")


def test_docstring_bindings() -> None:
    assert bound("Public functions must have docstrings.")["docstring"] == {"scope": ("public",)}
    assert bound("Follow NumPy-style docstrings.")["docstring"] == {"style": ("numpy",)}
    assert "docstring" not in bound("Use double quotes in docstrings.")  # a place, not a demand
    assert "docstring" not in bound("Docstrings are rendered by the docs build.")


# --- today's checks read with the grammar: traps --------------------------------------------


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("Always add new packages to requirements.txt, never pip install them.", "new-dependency"),
        ("Never add dependencies without updating `pyproject.toml`.", "new-dependency"),
        ("Use `uv add` for every dependency.", "new-dependency"),
        ("Sort imports: stdlib, third-party, local.", "new-dependency"),
        ("Mock external dependencies in unit tests.", "new-dependency"),
        ("Never log passwords or tokens.", "secret"),
        ("Mask the `password` and `token` fields in logs.", "secret"),
        ("Session token lifetime: 30 minutes", "secret"),
        ("It is OK to use print statements in CLI scripts.", "print-call"),
        ("Prefer try/except around I/O in views.", "broad-except"),
        ("Keep business logic in models; keep views light.", "logic-in-route"),
        ("Imports at the top. Valid exceptions: circular imports.", "import-cycle"),
        ("Type hints must pass `make typecheck`.", "missing-annotation"),
        ("Never use `# type: ignore`; write the right annotation.", "missing-annotation"),
        ("Big cross-module refactors.", "refactor-explained"),
        ("Never use console.log in components.", "print-call"),
        ("Write TypeScript with strict typing everywhere.", "missing-annotation"),
    ],
)
def test_mentions_and_prescriptions_never_bind_what_they_mention(text: str, check: str) -> None:
    assert check not in bound(text), grammar.read(text).explain()


@pytest.mark.parametrize(
    ("text", "check"),
    [
        (
            "Prefer the standard library; add third-party packages only when needed.",
            "new-dependency",
        ),
        ("Do not add new dependencies unless asked.", "new-dependency"),
        ("Never commit API keys or passwords.", "secret"),
        (
            "Real credentials live ONLY in `.env`, which is gitignored; they belong only there.",
            "secret",
        ),
        ("Never use bare `except`.", "broad-except"),
        ("Catch specific exceptions.", "broad-except"),
        ("Use `logger.info()` instead of `print()`.", "print-call"),
        ("Every function needs type hints.", "missing-annotation"),
        ("Minimise blocking I/O in request handlers.", "blocking-in-async"),
        ("Route handlers stay thin.", "logic-in-route"),
    ],
)
def test_what_the_grammar_still_binds(text: str, check: str) -> None:
    assert check in bound(text), grammar.read(text).explain()


def test_nothing_is_guessed_in_a_language_that_is_not_read() -> None:
    assert bound("严禁提交密钥到仓库") == {}
