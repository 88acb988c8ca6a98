"""`agent-guard explain [SLUG|CODE]`: what a check does, why, an example and the fix.

The text is the check module's docstring (ruff's "What it does / Why is this bad / Example /
Fix" form), so code and documentation cannot drift apart. Without an argument it lists
every check.
"""

from __future__ import annotations

import logging

import click

from agent_guard.checks.registry import CHECKS, CheckInfo, documentation, lookup
from agent_guard.errors import UsageError

log = logging.getLogger(__name__)


@click.command("explain")
@click.argument("name", required=False)
def command(name: str | None) -> None:
    """Show the documentation of a check (by slug or code); list all checks without NAME."""
    if name is None:
        for info in CHECKS:
            click.echo(
                f"{info.code}  {info.slug:<20} {info.default_severity.value:<9} {info.summary}"
            )
        return
    found = lookup(name)
    if found is None:
        raise UsageError(f"no check named {name!r}; `agent-guard explain` lists them")
    info = found
    click.echo(
        f"{info.code} {info.slug} ({info.family} check, default severity "
        f"{info.default_severity.value})\n"
    )
    click.echo(_text(info))
    options = _options(info)
    if options:
        click.echo(f"\n## Options (`checks.{info.slug}` in .agent-guard.yaml)\n")
        click.echo(options)
    project = _project_values(info.slug)
    if project:
        click.echo("\n## In this repository (options the project's packaging may fill)\n")
        click.echo("\n".join(project))


def _project_values(slug: str) -> list[str]:
    """Where this repository's value of each option project metadata may fill comes from:
    the config, or the work tree's pyproject.toml / setup.cfg (best effort: outside a
    repository, or with a broken config, nothing or only the project's values)."""
    from agent_guard.policy.project import FILLED, describe, read_project

    if not any(check == slug for check, _, _ in FILLED):
        return []
    from agent_guard.changes.git import WorktreeReader
    from agent_guard.pipeline import load, open_repository

    try:
        repo = open_repository(".")
    except UsageError:
        return []
    if repo.root is None:
        return []
    metadata = read_project(WorktreeReader(repo.git, repo.root))
    try:
        policy = load(repo)
    except UsageError as error:
        log.info("policy not loaded for explain: %s", error)
        policy = None
    return describe(slug, policy, metadata)


def _options(info: CheckInfo) -> str:
    """The check's option table, from the one declaration config validation reads."""
    from agent_guard.checks.options import declared, markdown_table

    try:
        return markdown_table(declared(info.module)) if declared(info.module) else ""
    except ImportError:
        return ""


def _text(info: CheckInfo) -> str:
    try:
        return documentation(info)
    except ImportError as error:
        log.info("check module %s is not available: %s", info.module, error)
        return f"{info.summary}.\n\n(No further documentation: {info.module} is not installed.)"
