"""The compiled Policy: which checks run where, at what severity, citing which rules.

A Policy is plain frozen data with no reference to lxml, PyYAML or pathspec, so that it can
be cached on disk and loaded on the commit-time hot path without importing them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from agent_guard.globs import NO_GLOBS, GlobSet
from agent_guard.model import NO_ENTRIES, Rule, Severity

if TYPE_CHECKING:
    from agent_guard.verdict.baseline import Baseline


class RuleFile(NamedTuple):
    """One rule file: its front matter as written, the files it governs, and its rules."""

    path: str
    front_matter: Mapping[str, object]
    globs: GlobSet  # empty: the rule file governs every file
    rules: tuple[Rule, ...]


class CheckSettings(NamedTuple):
    """One enabled check: its severity, the rules it enforces, where it runs, its options."""

    slug: str
    severity: Severity
    rules: tuple[Rule, ...] = ()
    include: GlobSet = NO_GLOBS  # empty: every file
    exclude: GlobSet = NO_GLOBS
    options: Mapping[str, object] = NO_ENTRIES

    @property
    def rule(self) -> Rule | None:
        """The rule quoted when this check fires (the first one that binds it)."""
        return self.rules[0] if self.rules else None

    def applies_to(self, path: str) -> bool:
        if self.include and not self.include.matches(path):
            return False
        return not self.exclude.matches(path)


class ProtectedPath(NamedTuple):
    """A path pattern whose change needs escalation, and the rule that says so."""

    pattern: str
    globs: GlobSet
    rule: Rule | None  # None: named in the config's `escalation.protected`


class Component(NamedTuple):
    """A named part of the code: files by path glob, imported names by module prefix."""

    name: str
    paths: GlobSet
    modules: tuple[str, ...] = ()
    origin: str = ""  # "FILE:LINE" of the rule it was derived from; "" when configured


class Boundary(NamedTuple):
    """`source` must not reach `target` (directly, or through first-party modules if indirect)."""

    source: str
    target: str
    indirect: bool = True
    rule: Rule | None = None
    derived: bool = False  # drawn from `rule`'s sentence, not from the config's `boundaries`


class EscalationSettings(NamedTuple):
    """Who may approve an escalation, and how the server recognises them."""

    approvers: tuple[str, ...] = ()
    allowed_signers: tuple[str, ...] = (".agent-guard/allowed_signers",)
    pusher_env: tuple[str, ...] = ()
    # Checks whose inline suppressions the server honours without an approved commit.
    server_suppressible: tuple[str, ...] = ()


class Binding(NamedTuple):
    """One rule asking one check for something specific: the paths it protects, the constructs
    it bans, the boundary it draws, the trailer it requires.

    `params` are (name, values) pairs, values always a tuple of strings, so a binding is
    hashable and pickles small. `include`/`exclude` are the files it applies to (empty
    include: every file), from the rule file's globs, its heading and the sentence ("in
    tests", "outside tests", "in `app/routers/`"). A check module reads its bindings with
    `Policy.bindings_for(slug)`; see docs/rules.md for each check's parameters.
    """

    rule: Rule
    check: str
    severity: Severity
    params: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: GlobSet = NO_GLOBS
    exclude: GlobSet = NO_GLOBS

    def param(self, name: str) -> tuple[str, ...]:
        return next((values for key, values in self.params if key == name), ())

    def applies_to(self, path: str) -> bool:
        if self.include and not self.include.matches(path):
            return False
        return not self.exclude.matches(path)


class Policy(NamedTuple):
    """Everything the engine needs to judge a change, and nothing it does not."""

    rule_files: tuple[RuleFile, ...] = ()
    config_path: str | None = None
    checks: Mapping[str, CheckSettings] = NO_ENTRIES
    protected: tuple[ProtectedPath, ...] = ()
    policy_files: GlobSet = NO_GLOBS
    components: Mapping[str, Component] = NO_ENTRIES
    boundaries: tuple[Boundary, ...] = ()
    escalation: EscalationSettings = EscalationSettings()
    # What the compiler could not enforce and why (e.g. a rule names a component the config
    # does not define); `agent-guard rules` shows these.
    notes: tuple[str, ...] = ()
    # A digest of everything this policy was compiled from (agent-guard's version, config and
    # rule files), set by `load_policy`: per-blob results cached on disk are keyed by it.
    # Empty when unknown (a policy built in code): then nothing is cached across runs.
    fingerprint: str = ""
    # Rule files discovery found but did not read, and why (a dangling link, a duplicate).
    unread: tuple[tuple[str, str], ...] = ()
    # What each rule asks of a check, with its parameters (see `Binding`), in rule order.
    bindings: tuple[Binding, ...] = ()
    # Why each rule of `rules` mapped as it did, or did not (`agent-guard rules --explain`).
    explanations: tuple[str, ...] = ()
    # The findings the repository's baseline file records (read from the same place as the
    # config: the work tree, or the server's trusted tree), attached after the compiled
    # policy is cached: it never changes what a check finds, only what counts.
    baseline: Baseline | None = None

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule_file in self.rule_files for rule in rule_file.rules)

    def enabled(self, slug: str) -> CheckSettings | None:
        return self.checks.get(slug)

    def bindings_for(self, slug: str) -> tuple[Binding, ...]:
        """The bindings of one check, in rule order (what its rules ask of it)."""
        return tuple(binding for binding in self.bindings if binding.check == slug)
