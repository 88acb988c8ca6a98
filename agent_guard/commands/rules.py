"""`agent-guard rules`: the compiled policy, so a team can see what its rule file enforces.

For every rule: where it is, its tag path, its text, its severity and the checks enforcing
it — or `advisory`, so nothing a rule file says is silently dropped. Then the checks that
run, the protected paths, components, boundaries and escalation settings.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from agent_guard import __version__
from agent_guard.checks.registry import BY_SLUG
from agent_guard.commands.tree import Coverage, coverage, describe, tree_paths
from agent_guard.model import Rule
from agent_guard.policy.load import (
    DEFAULT_RULE_PATTERNS,
    NO_RULE_FILE,
    WorkTreeSource,
    find_root,
    load_policy,
)
from agent_guard.policy.model import Binding, Policy

INDENT = "      "


@click.command("rules")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--config",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Config file (default: .agent-guard.yaml or pyproject's [tool.agent-guard]).",
)
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A rule file to read instead of discovering them (repeatable).",
)
@click.option(
    "--explain",
    is_flag=True,
    default=False,
    help="Say for each rule why it mapped (force, action, targets, scope) or why it did not.",
)
def command(
    files: tuple[Path, ...],
    fmt: str,
    config: Path | None,
    rule_paths: tuple[Path, ...],
    explain: bool,
) -> None:
    """Show the compiled policy: every rule, its severity and the checks enforcing it.

    FILES are rule files to read instead of the discovered ones (same as --rules).
    """
    explicit = [*rule_paths, *files]
    root = find_root(Path.cwd())
    policy = load_policy(root, config=config, rules=explicit or None)
    unread = list(policy.unread)
    if not explicit:  # known rule files that `rules:` in the config leaves out
        read = {f.path for f in policy.rule_files} | {name for name, _ in unread}
        unread.extend(
            (name, "not matched by `rules:` in the config")
            for name in WorkTreeSource(root).paths(DEFAULT_RULE_PATTERNS)
            if name not in read
        )
    covered = coverage(policy, tree_paths(root)) if policy.protected else []
    if fmt == "json":
        document = policy_document(policy, explain=explain, covered=covered)
        document["unread"] = [{"path": name, "why": why} for name, why in unread]
        click.echo(json.dumps(document, indent=2, default=str))
    else:
        text = render_text(policy, explain=explain, unread=unread, covered=covered)
        click.echo(text, nl=False)
    if not policy.rule_files:
        click.echo(f"agent-guard: warning: {NO_RULE_FILE}", err=True)


def _where(rule: Rule | None) -> dict[str, object] | None:
    return None if rule is None else {"file": rule.file, "line": rule.line, "text": rule.text}


def _bindings_of(policy: Policy) -> dict[tuple[str, int, str], list[Binding]]:
    found: dict[tuple[str, int, str], list[Binding]] = {}
    for binding in policy.bindings:
        rule = binding.rule
        found.setdefault((rule.file, rule.line, rule.text), []).append(binding)
    return found


def _binding_document(binding: Binding) -> dict[str, object]:
    params: dict[str, object] = {key: list(values) for key, values in binding.params}
    if binding.include:
        params["include"] = list(binding.include.patterns)
    if binding.exclude:
        params["exclude"] = list(binding.exclude.patterns)
    return {"check": binding.check, "params": params, "severity": binding.severity.value}


def policy_document(
    policy: Policy, *, explain: bool = False, covered: list[Coverage] | None = None
) -> dict[str, object]:
    """The policy as JSON-ready data (the shape of `agent-guard rules --format json`).

    `covered`: the files each protected pattern matches in the tree (`commands.tree`), one
    entry per `policy.protected`; None leaves the match fields out.
    """
    bindings = _bindings_of(policy)
    explanations = dict(zip(policy.rules, policy.explanations, strict=False))
    rules: list[dict[str, object]] = []
    for r in policy.rules:
        entry: dict[str, object] = {
            "file": r.file,
            "line": r.line,
            "tag_path": r.tag_path,
            "text": r.text,
            "severity": r.severity.value,
            "checks": list(r.checks),
            "bindings": [_binding_document(b) for b in bindings.get((r.file, r.line, r.text), [])],
        }
        if explain:
            entry["explain"] = explanations.get(r, "")
        rules.append(entry)
    warnings = [NO_RULE_FILE] if not policy.rule_files else []
    return {
        "version": __version__,
        "config": policy.config_path,
        "rule_files": [
            {"path": f.path, "front_matter": dict(f.front_matter), "globs": list(f.globs.patterns)}
            for f in policy.rule_files
        ],
        "rules": rules,
        "checks": [
            {
                "slug": s.slug,
                "code": BY_SLUG[s.slug].code,
                "severity": s.severity.value,
                "include": list(s.include.patterns),
                "exclude": list(s.exclude.patterns),
                "options": dict(s.options),
                "rule": _where(s.rule),
                "rules": [{"file": r.file, "line": r.line} for r in s.rules],
            }
            for s in policy.checks.values()
        ],
        "protected": _protected_document(policy, covered),
        "components": [
            {
                "name": c.name,
                "paths": list(c.paths.patterns),
                "modules": list(c.modules),
                "origin": c.origin or "config",
            }
            for c in policy.components.values()
        ],
        "boundaries": [
            {
                "from": b.source,
                "to": b.target,
                "indirect": b.indirect,
                "rule": _where(b.rule),
                "origin": "rules" if b.derived else "config",
            }
            for b in policy.boundaries
        ],
        "escalation": {
            "approvers": list(policy.escalation.approvers),
            "allowed_signers": list(policy.escalation.allowed_signers),
            "pusher_env": list(policy.escalation.pusher_env),
        },
        "notes": list(policy.notes),
        "warnings": warnings,
    }


def _protected_document(policy: Policy, covered: list[Coverage] | None) -> list[dict[str, object]]:
    entries: list[dict[str, object]] = []
    for index, protected in enumerate(policy.protected):
        entry: dict[str, object] = {"pattern": protected.pattern, "rule": _where(protected.rule)}
        if covered is not None:
            entry["match_count"] = covered[index].count
            entry["matches"] = list(covered[index].first)
        entries.append(entry)
    return entries


def render_text(
    policy: Policy,
    *,
    explain: bool = False,
    unread: list[tuple[str, str]] | None = None,
    covered: list[Coverage] | None = None,
) -> str:
    """The policy for a reader: rules first (what the team wrote), then what runs."""
    lines: list[str] = []
    add = lines.append
    rules = policy.rules
    if not policy.rule_files:
        add(f"WARNING: {NO_RULE_FILE}.")
    for rule_file in policy.rule_files:
        scope = ", ".join(rule_file.globs.patterns) or "all files"
        add(f"Rule file {rule_file.path} (governs {scope})")
    for name, why in unread if unread is not None else policy.unread:
        add(f"Not read: {name} ({why})")
    bindings = _bindings_of(policy)
    explanations = dict(zip(policy.rules, policy.explanations, strict=False))
    enforced = sum(1 for rule in rules if not rule.advisory)
    add("")
    add(f"Rules: {len(rules)} ({enforced} enforced, {len(rules) - enforced} advisory)")
    for rule in rules:
        checks = ", ".join(rule.checks)
        add(f"  {rule.file}:{rule.line}  {rule.tag_path}")
        add(f"{INDENT}{rule.severity.value}: {checks}" if rule.checks else f"{INDENT}advisory")
        add(textwrap.fill(rule.text, 100, initial_indent=INDENT, subsequent_indent=INDENT))
        for binding in bindings.get((rule.file, rule.line, rule.text), []):
            params = "; ".join(f"{k}: {', '.join(v)}" for k, v in binding.params)
            if params:
                add(f"{INDENT}  {binding.check} <- {params}")
        if explain and explanations.get(rule):
            why = "why: " + explanations[rule]
            add(textwrap.fill(why, 100, initial_indent=INDENT, subsequent_indent=INDENT + "  "))
    add("")
    add("Checks")
    for settings in policy.checks.values():
        quoted = f"  ({settings.rule.file}:{settings.rule.line})" if settings.rule else ""
        scope = f"  only {', '.join(settings.include.patterns)}" if settings.include else ""
        skip = f"  except {', '.join(settings.exclude.patterns)}" if settings.exclude else ""
        code = BY_SLUG[settings.slug].code
        add(f"  {code} {settings.slug:<20} {settings.severity.value:<9}{quoted}{scope}{skip}")
    add("")
    add("Protected paths (changes need an approver)")
    for index, protected in enumerate(policy.protected):
        origin = f"{protected.rule.file}:{protected.rule.line}" if protected.rule else "config"
        add(f"  {protected.pattern:<30} {origin}")
        if covered is not None:
            add(f"{INDENT}{describe(covered[index])}")
    if not policy.protected:
        add("  (none)")
    add("")
    add("Components")
    for component in policy.components.values():
        parts = [
            f"{label}: {', '.join(values)}"
            for label, values in (
                ("paths", component.paths.patterns),
                ("modules", component.modules),
            )
            if values
        ]
        origin = f"  (from {component.origin})" if component.origin else ""
        add(f"  {component.name:<12} {'  '.join(parts)}{origin}")
    if not policy.components:
        add("  (none configured)")
    add("")
    add("Boundaries")
    for boundary in policy.boundaries:
        reach = "direct or indirect" if boundary.indirect else "direct imports"
        origin = f"  ({boundary.rule.file}:{boundary.rule.line})" if boundary.rule else ""
        add(f"  {boundary.source} -/-> {boundary.target}  [{reach}]{origin}")
    if not policy.boundaries:
        add("  (none)")
    writers = policy.checks.get("llm-writes")
    read_only = writers.options.get("components", ()) if writers else ()
    if isinstance(read_only, tuple) and read_only:
        add(f"  must not write data: {', '.join(str(name) for name in read_only)}")
    add("")
    add("Escalation approvers: " + (", ".join(policy.escalation.approvers) or "(none configured)"))
    if policy.notes:
        add("")
        add("Notes")
        lines.extend(f"  {note}" for note in policy.notes)
    return "\n".join(lines) + "\n"
