"""Rule files + config -> Policy: which checks run, how strictly, where, and citing what.

Precedence for which checks a rule binds: the catalog's reading of its words, replaced by a
`check="..."` attribute in the rule file, replaced by a matching `bindings:` entry in the
config. A check's severity is the highest of the rules that bind it (and the quoted rule is
that one), unless the config sets it; a check whose default is `warning` (a heuristic) stays a
warning whatever the wording, unless the config says otherwise. Rules that bind nothing stay
in the policy as advisory.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from agent_guard.checks.registry import BY_SLUG, CHECKS
from agent_guard.globs import GlobSet, compile_globs
from agent_guard.model import Rule, Severity
from agent_guard.policy import binders, catalog, grammar
from agent_guard.policy.components import SYNONYMS, Resolver, Side, derive
from agent_guard.policy.config import Config
from agent_guard.policy.model import (
    Binding,
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
__all__ = ["SYNONYMS", "compile_policy"]


@dataclass(slots=True)
class _Bound:
    """What the rules say about one check, gathered while reading them."""

    rules: list[Rule] = field(default_factory=list)
    scopes: list[tuple[str, ...]] = field(default_factory=list)  # rule files' globs


def compile_policy(
    config: Config,
    files: Sequence[ParsedRuleFile],
    discovery_patterns: Sequence[str] = (),
    packages: Callable[[], Sequence[str]] | None = None,
) -> Policy:
    """Compile parsed rule files under a validated config (imports pathspec via globs).

    `packages` lists the repository's package folders; it is called only when a boundary
    rule names a component the config does not define (see policy/components.py)."""
    bound: dict[str, _Bound] = {}
    notes: list[str] = []
    protected: dict[str, ProtectedPath] = {}
    claims: list[tuple[catalog.Claim, Rule]] = []
    rule_files: list[RuleFile] = []
    bindings: list[Binding] = []
    explanations: list[str] = []
    for parsed in files:
        scope = file_scope(parsed.path, parsed.front_matter.globs)
        notes.extend(f"{parsed.path}: {problem}" for problem in parsed.front_matter.problems)
        rules: list[Rule] = []
        candidates = foreign = 0
        for raw in parsed.rules:
            rule, rule_bindings, why = _read(raw, config, scope)
            rules.append(rule)
            bindings.extend(rule_bindings)
            explanations.append(why)
            candidates += why.startswith(CANDIDATE)
            foreign += why.startswith(FOREIGN)
            for slug in rule.checks:
                entry = bound.setdefault(slug, _Bound())
                entry.rules.append(rule)
                entry.scopes.append(scope)
            for binding in rule_bindings:
                if binding.check != "protected-file":
                    continue
                patterns = binding.param("paths")
                if not patterns:
                    notes.append(f"{rule.file}:{rule.line}: binds protected-file but names no file")
                for pattern in patterns:
                    protected.setdefault(pattern, _protected_path(pattern, rule))
            if {"boundary", "llm-writes"} & set(rule.checks):
                claims.extend((claim, rule) for claim in catalog.claims(rule.text))
        if candidates:
            notes.append(
                f"{parsed.path}: {candidates} sentence(s) look enforceable but stay advisory "
                "(see `agent-guard rules --explain`)"
            )
        if foreign:
            notes.append(
                f"{parsed.path}: {foreign} sentence(s) are in a language agent-guard does not "
                "read (only English is understood); they stay advisory"
            )
        if parsed.rules and not any(rule.checks for rule in rules):
            notes.append(f"{parsed.path}: no rule of this file is enforced (all advisory)")
        if not parsed.rules:
            notes.append(f"{parsed.path}: compiles to no rule (nothing is read from it)")
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
    resolver = Resolver(
        components, {name: c.aliases for name, c in config.components.items()}, packages
    )
    boundary_rule = _top_rule(bound.get("boundary"))
    boundaries: dict[tuple[str, str], Boundary] = {
        (b.source, b.target): Boundary(b.source, b.target, b.indirect, boundary_rule)
        for b in config.boundaries
    }
    read_only: list[str] = []
    for claim, rule in claims:
        if claim.target is not None:
            continue
        component, why = resolver.resolve(Side("word", claim.source))
        if component is None:
            notes.append(
                f"{rule.file}:{rule.line}: could not map {claim.source!r} to a component "
                f"({why}); add it to `components` in .agent-guard.yaml to enforce this rule"
            )
            continue
        components.setdefault(component.name, component)
        read_only.append(component.name)
    derived = derive(
        [b for b in bindings if b.check == "boundary"],
        [(c.source, c.target, c.direct_only, rule) for c, rule in claims if c.target],
        resolver,
    )
    notes.extend(derived.notes)
    for name, component in derived.components.items():
        components.setdefault(name, component)
    for key, boundary in derived.boundaries.items():
        boundaries.setdefault(key, boundary)

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
        server_suppressible=config.server_suppressible,
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
        bindings=tuple(bindings),
        explanations=tuple(explanations),
    )


NESTED_NAMES = ("AGENTS.md", "CLAUDE.md", "GEMINI.md")
STRENGTH_ORDER = ("warn", "block", "escalate")


def split_sentences(text: str) -> list[str]:
    """A rule's sentences (a bullet may hold several), each read on its own."""
    from agent_guard.policy.rulefile import _may_end_sentence, _sentences

    if not _may_end_sentence(text):  # one sentence (most rules): what _sentences would say
        return [text.strip() or text]
    return [sentence for _, sentence in _sentences([(1, text)])] or [text]


def _merge(
    found: list[tuple[str, dict[str, tuple[str, ...]]]],
    pairs: list[tuple[str, dict[str, tuple[str, ...]]]],
) -> list[tuple[str, dict[str, tuple[str, ...]]]]:
    """One binding per check; the parameters of its sentences put together."""
    merged = {slug: dict(params) for slug, params in found}
    for slug, params in pairs:
        into = merged.setdefault(slug, {})
        for key, values in params.items():
            into[key] = tuple(dict.fromkeys((*into.get(key, ()), *values)))
    return list(merged.items())


STRENGTH = {"block": Severity.ERROR, "warn": Severity.WARNING, "escalate": Severity.ESCALATE}


def rule_folder(path: str) -> str:
    """The folder a nested rule file governs ("backend/" for backend/AGENTS.md); "" at the top.

    A nested AGENTS.md / CLAUDE.md / GEMINI.md governs its folder, as the agents read them;
    a nested `.cursor/rules` folder governs the folder that holds it.
    """
    head, _, name = path.rpartition("/")
    if name in NESTED_NAMES and head:
        return head + "/"
    if "/.cursor/rules/" in "/" + path and not path.startswith(".cursor/"):
        return path.split(".cursor/rules/", maxsplit=1)[0]
    return ""


def _in_folder(patterns: Sequence[str], folder: str) -> tuple[str, ...]:
    """A nested rule file's unanchored patterns, under its folder.

    "Escalate before changing models.py" in backend/AGENTS.md protects backend/**/models.py,
    not a models.py of another app of the repository. A pattern with a folder in it names
    its place already and is left as written.
    """
    if not folder:
        return tuple(patterns)
    return tuple(folder + p if p.startswith("**/") else p for p in patterns)


def file_scope(path: str, globs: Sequence[str]) -> tuple[str, ...]:
    """The files a rule file governs: its globs, under its folder when it is nested
    (`rule_folder`); a nested `.cursor/rules` folder's globs are relative to that folder."""
    folder = rule_folder(path)
    if not folder:
        return tuple(globs)
    if not globs:
        return (folder + "**",)
    return tuple(folder + g.lstrip("/") for g in globs)


def default_severity(slug: str) -> Severity:
    """A check's default severity; checks still without a module have theirs in binders."""
    info = BY_SLUG.get(slug)
    if info is not None:
        return info.default_severity
    return Severity(binders.NEW_CHECKS.get(slug, "warning"))


CANDIDATE = "looks enforceable"
FOREIGN = "not understood"


def _why(readings: Sequence[grammar.Reading], raw: RawRule, bound: bool) -> str:
    """Why a rule mapped as it did (force, action, targets, scope) or why it did not."""
    read = " | ".join(reading.explain() for reading in readings)
    if raw.explicit is not None:
        return f"bound explicitly ({', '.join(raw.explicit) or 'advisory'}); read as: {read}"
    if bound:
        return read
    if any(not reading.language_understood for reading in readings):
        return f"{FOREIGN}: only English rule sentences are read; advisory"
    forces = {reading.force for reading in readings}
    if forces <= {"permission", "none"}:
        what = "permits something" if "permission" in forces else "states no force"
        return f"advisory: the sentence {what} ({read})"
    named = [t for reading in readings for t in (*reading.avoided, *reading.paths)]
    if named:
        return (
            f"{CANDIDATE} ({read}), but no check is sure of it: bind it with "
            "`<!-- check: SLUG -->` or the config's `bindings`"
        )
    return f"advisory: names nothing a check can verify ({read})"


def _read(
    raw: RawRule, config: Config, scope: Sequence[str] = ()
) -> tuple[Rule, list[Binding], str]:
    """The rule with its checks (grammar < check= attribute < config bindings), severity
    and bindings (the parameters each check gets from the sentence)."""
    readings = [
        grammar.read(sentence, raw.context, raw.tag_path, tuple(scope))
        for sentence in split_sentences(raw.text)
    ]
    heading = grammar.last_heading(raw.tag_path)
    context = f"{heading} / {raw.context}" if heading and raw.context else heading or raw.context
    found: list[tuple[str, dict[str, tuple[str, ...]]]] = []
    strengths: list[str] = []
    if raw.explicit is None:
        for reading in readings:
            pairs = binders.bind(reading, context)
            if pairs and reading.strength:
                strengths.append(reading.strength)
            found = _merge(found, pairs)
    else:
        found = [(slug, {}) for slug in raw.explicit]
    reading = readings[0] if readings else grammar.read(raw.text)
    if strengths:
        reading = reading._replace(strength=max(strengths, key=STRENGTH_ORDER.index))
    for binding in config.bindings:
        if binding.matches(raw.tag_path, raw.text):
            found = [(slug, {}) for slug in binding.checks]
    checks = tuple(dict.fromkeys(slug for slug, _ in found))
    if not checks:
        severity = Severity.ADVISORY
    elif reading.strength in STRENGTH and raw.explicit is None:
        severity = STRENGTH[reading.strength]
    elif raw.explicit is not None or config.bindings:
        severity = catalog.wording_severity(raw.text, raw.tag_path) or max(
            (default_severity(slug) for slug in checks), key=lambda s: s.rank
        )
    else:
        severity = max((default_severity(slug) for slug in checks), key=lambda s: s.rank)
    rule = Rule(raw.file, raw.line, raw.tag_path, raw.text, severity, checks)
    made: list[Binding] = []
    for slug, given in found:
        params = given
        if slug == "protected-file" and "paths" not in params and raw.explicit is not None:
            params = {"paths": catalog.path_patterns(raw.text)}
        if params.get("paths") == ("{file}",):
            params = {**params, "paths": (raw.file,)}
        if slug == "protected-file" and params.get("paths"):
            params = {**params, "paths": _in_folder(params["paths"], rule_folder(raw.file))}
        family = BY_SLUG[slug].family if slug in BY_SLUG else "python"
        include = tuple(params.get("include", ()))
        if (
            not include
            and family not in UNSCOPED_FAMILIES
            and slug
            not in (
                "commit-message",
                "branch-protection",
            )
        ):
            include = tuple(scope)
        extra = {k: v for k, v in params.items() if k not in ("include", "exclude")}
        made.append(
            Binding(
                rule,
                slug,
                severity,
                tuple(sorted((k, tuple(v)) for k, v in extra.items())),
                _globs(include),
                _globs(tuple(params.get("exclude", ()))),
            )
        )
    return rule, made, _why(readings, raw, bool(found))


def clear_caches() -> None:
    """Forget the scopes compiled so far (a benchmark's cold start)."""
    _globs.cache_clear()


@lru_cache(maxsize=1024)
def _globs(patterns: tuple[str, ...]) -> GlobSet:
    """Compiled once per distinct scope: most bindings of a file share their file's globs."""
    return compile_globs(patterns)


def _top_rule(entry: _Bound | None) -> Rule | None:
    return _ordered(entry.rules)[0] if entry and entry.rules else None


def _ordered(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """Highest severity first (stable: file order among equals), so `rules[0]` is quoted."""
    return tuple(sorted(rules, key=lambda rule: -rule.severity.rank))


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
        if info.default_severity is Severity.WARNING and severity is Severity.ERROR:
            # A heuristic (its default is warning: it cannot tell intent, as "an async def
            # that never awaits" cannot) never blocks on a rule's wording alone; the config
            # may still make it block.
            severity = Severity.WARNING
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
