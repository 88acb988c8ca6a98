"""Rule files + config -> Policy: which checks run, how strictly, where, and citing what.

Precedence for which checks a rule binds: the catalog's reading of its words, replaced by a
`check="..."` attribute in the rule file, replaced by a matching `bindings:` entry in the
config. A check's severity is the highest of the rules that bind it (and the quoted rule is
that one), unless the config sets it. Rules that bind nothing stay in the policy as advisory.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from agent_guard.checks.registry import CHECKS
from agent_guard.globs import compile_globs
from agent_guard.model import Rule
from agent_guard.policy import catalog
from agent_guard.policy.config import Config
from agent_guard.policy.model import (
    Boundary,
    CheckSettings,
    Component,
    EscalationSettings,
    Policy,
    ProtectedPath,
    RuleFile,
)
from agent_guard.policy.rulefile import ParsedRuleFile, RawRule

# Files whose change is a change to the policy itself (besides the rule files and config).
POLICY_FILES: tuple[str, ...] = (
    "/.agent-guard.yaml",
    "/pyproject.toml",
    "/.pre-commit-config.yaml",
    "/.agent-guard/**",
)
# Families whose rules name what they guard (files, secrets, commit messages): the rule file's
# `globs` do not narrow them. "Never commit secrets" in a `**/*.py` rule file still means a
# secret in `config.yaml`.
UNSCOPED_FAMILIES = frozenset({"path", "secret", "commit"})
# Synonyms a rule may use for a component's name ("DB" for a component called "database").
SYNONYMS: dict[str, tuple[str, ...]] = {
    "db": ("database", "databases", "data-layer"),
    "database": ("db",),
    "llm": ("llms", "ai", "language-model"),
}


@dataclass(slots=True)
class _Bound:
    """What the rules say about one check, gathered while reading them."""

    rules: list[Rule] = field(default_factory=list)
    scopes: list[tuple[str, ...]] = field(default_factory=list)  # rule files' globs


def compile_policy(
    config: Config,
    files: Sequence[ParsedRuleFile],
    discovery_patterns: Sequence[str] = (),
) -> Policy:
    """Compile parsed rule files under a validated config (imports pathspec via globs)."""
    bound: dict[str, _Bound] = {}
    notes: list[str] = []
    protected: dict[str, ProtectedPath] = {}
    claims: list[tuple[catalog.Claim, Rule]] = []
    rule_files: list[RuleFile] = []
    for parsed in files:
        scope = parsed.front_matter.globs
        rules: list[Rule] = []
        for raw in parsed.rules:
            rule = _read(raw, config)
            rules.append(rule)
            for slug in rule.checks:
                entry = bound.setdefault(slug, _Bound())
                entry.rules.append(rule)
                entry.scopes.append(scope)
            if "protected-file" in rule.checks:
                if not catalog.path_patterns(rule.text):
                    notes.append(f"{rule.file}:{rule.line}: binds protected-file but names no file")
                for pattern in catalog.path_patterns(rule.text):
                    protected.setdefault(pattern, _protected_path(pattern, rule))
            if {"boundary", "llm-writes"} & set(rule.checks):
                claims.extend((claim, rule) for claim in catalog.claims(rule.text))
        rule_files.append(
            RuleFile(
                parsed.path, dict(parsed.front_matter.data), compile_globs(scope), tuple(rules)
            )
        )
    for pattern in config.protected:
        protected.setdefault(pattern, _protected_path(pattern, None))

    components = {
        name: Component(name, compile_globs(c.paths), c.modules)
        for name, c in config.components.items()
    }
    resolve = _resolver(config)
    boundary_rule = _top_rule(bound.get("boundary"))
    boundaries: dict[tuple[str, str], Boundary] = {
        (b.source, b.target): Boundary(b.source, b.target, b.indirect, boundary_rule)
        for b in config.boundaries
    }
    read_only: list[str] = []
    for claim, rule in claims:
        names = [claim.source] if claim.target is None else [claim.source, claim.target]
        resolved = [resolve(name) for name in names]
        missing = [name for name, found in zip(names, resolved, strict=True) if found is None]
        if missing:
            where = f"{rule.file}:{rule.line}"
            notes.extend(
                f"{where}: component {name!r} is not configured in components; "
                "add it to .agent-guard.yaml to enforce this rule"
                for name in missing
            )
            continue
        if claim.target is None:
            read_only.append(str(resolved[0]))
        else:
            key = (str(resolved[0]), str(resolved[1]))
            boundaries.setdefault(key, Boundary(key[0], key[1], not claim.direct_only, rule))

    checks = _settings(
        config, bound, read_only, has_protected=bool(protected), has_boundaries=bool(boundaries)
    )
    config_file = [f"/{config.path}"] if config.path else []
    policy_files = compile_globs(
        [
            *POLICY_FILES,
            *config_file,
            *(f"/{p.path}" for p in rule_files),
            *(f"/{pattern.lstrip('/')}" for pattern in discovery_patterns),
        ]
    )
    escalation = EscalationSettings(
        approvers=config.approvers,
        pusher_env=config.pusher_env,
        **({} if config.allowed_signers is None else {"allowed_signers": config.allowed_signers}),
    )
    return Policy(
        rule_files=tuple(rule_files),
        config_path=config.path,
        checks=checks,
        protected=tuple(protected.values()),
        policy_files=policy_files,
        components=components,
        boundaries=tuple(boundaries.values()),
        escalation=escalation,
        notes=tuple(dict.fromkeys(notes)),
    )


# -- protected patterns -------------------------------------------------------------------

# What else Python imports as the module `X.models` besides `X/models.py` (importlib's
# FileFinder: a package directory first, then extension modules, sources, bytecode).
_EXTENSION_FORMS = (".so", ".*.so", ".pyd", ".*.pyd")
_OTHER_FORMS = (".pyw", ".pyc", ".pyo")
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _protected_path(pattern: str, rule: Rule | None) -> ProtectedPath:
    """The pattern, and every other form of the module it names (`module_forms`)."""
    return ProtectedPath(pattern, compile_globs([pattern, *module_forms(pattern)]), rule)


def module_forms(pattern: str) -> tuple[str, ...]:
    """The globs of every file that `import` would load instead of the module `pattern` names.

    Protecting `app/models.py` means protecting the module `app.models`: an added
    `app/models/__init__.py` (a package wins over a module), `app/models.abi3.so` (an
    extension wins over a source), `app/models.pyc` or `app/__pycache__/models.*.pyc` (an
    unchecked-hash .pyc is loaded whatever the source says) would each run other code under
    the same name. Only a pattern whose last part is a literal module name ending in `.py`
    has forms: `app/*.py` names no module, and guessing would flag every package under app/.
    """
    if pattern.startswith("!") or not pattern.endswith(".py"):
        return ()
    folder, _, file = pattern.rpartition("/")
    name = file[: -len(".py")]
    if not _MODULE_NAME.fullmatch(name):
        return ()
    if not folder:
        folder = "**"  # gitignore: a pattern with a slash is anchored, one without is not
    base = f"{folder}/{name}"
    return (
        f"{base}/**",
        *(base + suffix for suffix in (*_EXTENSION_FORMS, *_OTHER_FORMS)),
        f"{folder}/__pycache__/{name}.*.pyc",
        f"{folder}/__pycache__/{name}.*.pyo",
    )


def _read(raw: RawRule, config: Config) -> Rule:
    """The rule with its checks (catalog < check= attribute < config bindings) and severity."""
    checks = catalog.recognise(raw.text) if raw.explicit is None else raw.explicit
    for binding in config.bindings:
        if binding.matches(raw.tag_path, raw.text):
            checks = binding.checks
    severity = catalog.rule_severity(raw.text, raw.tag_path, checks)
    return Rule(raw.file, raw.line, raw.tag_path, raw.text, severity, checks)


def _top_rule(entry: _Bound | None) -> Rule | None:
    return _ordered(entry.rules)[0] if entry and entry.rules else None


def _ordered(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """Highest severity first (stable: file order among equals), so `rules[0]` is quoted."""
    return tuple(sorted(rules, key=lambda rule: -rule.severity.rank))


def _resolver(config: Config) -> _Resolve:
    names: dict[str, str] = {}
    for name, component in config.components.items():
        for word in (name, *component.aliases, *SYNONYMS.get(name.lower(), ())):
            names.setdefault(word.lower(), name)
            names.setdefault(word.lower() + "s", name)
    return _Resolve(names)


@dataclass(frozen=True, slots=True)
class _Resolve:
    names: Mapping[str, str]

    def __call__(self, word: str) -> str | None:
        return self.names.get(word.lower())


def _settings(
    config: Config,
    bound: Mapping[str, _Bound],
    read_only: Sequence[str],
    *,
    has_protected: bool,
    has_boundaries: bool,
) -> dict[str, CheckSettings]:
    wanted = set(bound) | set(catalog.ALWAYS_ON)
    wanted |= {slug for slug, c in config.checks.items() if c.enabled is not False}
    if has_protected:
        wanted.add("protected-file")
    if has_boundaries:
        wanted.add("boundary")
    settings: dict[str, CheckSettings] = {}
    for info in CHECKS:  # registry order: stable output
        slug = info.slug
        configured = config.checks.get(slug)
        if slug not in wanted or (configured and configured.enabled is False):
            continue
        entry = bound.get(slug, _Bound())
        rules = _ordered(entry.rules)
        severity = rules[0].severity if rules else info.default_severity
        if configured and configured.severity is not None:
            severity = configured.severity
        include: tuple[str, ...] = ()
        if info.family not in UNSCOPED_FAMILIES and entry.scopes and all(entry.scopes):
            include = tuple(dict.fromkeys(p for scope in entry.scopes for p in scope))
        if configured and configured.include is not None:
            include = configured.include
        exclude = configured.exclude if configured and configured.exclude is not None else ()
        if info.family != "path":  # an excluded file must never hide a protected change
            exclude = (*config.exclude, *exclude)
        options = dict(configured.options) if configured else {}
        if slug == "llm-writes":
            given = options.get("components", ())
            extra = tuple(given) if isinstance(given, tuple | list) else (str(given),)
            options["components"] = tuple(dict.fromkeys((*read_only, *extra)))
        settings[slug] = CheckSettings(
            slug, severity, rules, compile_globs(include), compile_globs(exclude), options
        )
    return settings
