"""boundary + import-cycle against import-linter (forbidden + acyclic_siblings contracts).

Workload: a large real package copied into a temporary git repository as first-party code:
mypy's own sources from the project venv (~195 modules, densely cyclic), falling back to
the standard library's `asyncio` when mypy is not installed. The change under test is one
commit that adds one import to one module (`mypy/plugins/functools.py` imports
`mypy.checker`, which reaches most of the package).

Both tools answer the same two questions for that commit:
- may `mypy.plugins` reach `mypy.stubgen` (directly or through other modules)?
- does the change create import cycles?
import-linter builds the whole package's graph and checks the contracts on it; agent-guard
parses only the modules a search from the added edge reaches. Cold runs start without any
cache (`lint-imports --no-cache`; agent-guard's cache directory emptied); warm runs keep
each tool's cache from the previous run. Every run is a fresh process (what a hook pays),
interleaved with the others; the ratios are agent-guard / import-linter.

Semantics differ slightly: import-linter's acyclic_siblings reports every cycle between
sibling packages of the whole tree, agent-guard only the cycles the change closes.

    .venv/bin/python benchmarks/imports_vs_import_linter.py [--quick]
"""

from __future__ import annotations

import argparse
import logging
import pickle
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(BENCHMARKS.parent))

from _measure import Command, interleaved, python  # noqa: E402
from _table import Row, ratio_row, render, unavailable  # noqa: E402

if TYPE_CHECKING:
    from agent_guard.policy.model import Policy

WORK = BENCHMARKS / ".work" / "imports"
BENCHMARK = "imports"


def _source_package() -> tuple[str, Path, str, str, str]:
    """(package, its directory, changed file, added line, boundary (source, target) as text)."""
    site = Path(sysconfig.get_paths()["purelib"])
    project_site = sorted((BENCHMARKS.parent / ".venv" / "lib").glob("python3*/site-packages"))
    for candidate in [*project_site, site]:
        if (candidate / "mypy" / "checker.py").is_file():
            return (
                "mypy",
                candidate / "mypy",
                "mypy/plugins/functools.py",
                "import mypy.checker  # added by the benchmark",
                "mypy.plugins mypy.stubgen",
            )
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    return (
        "asyncio",
        stdlib / "asyncio",
        "asyncio/locks.py",
        "from asyncio import base_events  # added by the benchmark",
        "asyncio.locks asyncio.unix_events",
    )


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def build_repository() -> tuple[Path, str, int]:
    """The corpus repository (rebuilt each time): base commit, then the one-import change."""
    package, source, changed, added, _ = _source_package()
    repo = WORK / "repo"
    shutil.rmtree(WORK, ignore_errors=True)
    repo.mkdir(parents=True)
    count = 0
    for path in sorted(source.rglob("*.py")):
        relative = path.relative_to(source)
        if "test" in relative.parts or "typeshed" in relative.parts:
            continue
        target = repo / package / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        count += 1
    source_module, target_module = _source_package()[4].split()
    (repo / ".importlinter").write_text(
        "[importlinter]\n"
        f"root_package = {package}\n"
        "\n[importlinter:contract:boundary]\n"
        "name = boundary\ntype = forbidden\n"
        f"source_modules = {source_module}\nforbidden_modules = {target_module}\n"
        "\n[importlinter:contract:cycles]\n"
        "name = no cycles\ntype = acyclic_siblings\n"
        f"ancestors = {package}\n"
    )
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "bench")
    _git(repo, "config", "user.email", "bench@example.com")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "base")
    file = repo / changed
    file.write_text(file.read_text() + "\n" + added + "\n")
    _git(repo, "commit", "-q", "-am", "add one import")
    # Like agent-guard's own policy cache: the compiled policy is loaded, not compiled.
    (WORK / "policy.pickle").write_bytes(pickle.dumps(_policy()))
    return repo, package, count


def run_agent_guard(repo: Path, cache: Path | None) -> int:
    """One run as the engine does it: the commit's change, the AST walk, the checks."""
    from agent_guard.changes.git import CommitTreeReader, open_repository
    from agent_guard.changes.sources import range_changes
    from agent_guard.checks.architecture import run_imports
    from agent_guard.checks.base import Context, Unit, enabled_by_unit
    from agent_guard.checks.pysource import ImportRecord, decode, parse
    from agent_guard.checks.python import check_python

    policy = pickle.loads((repo.parent / "policy.pickle").read_bytes())
    repository = open_repository(repo)
    with repository.objects() as objects:
        changes = range_changes(repository, objects, "HEAD")
        assert changes.tree is not None
        tree = CommitTreeReader(repository.git, objects, changes.tree)
        imports: dict[str, tuple[ImportRecord, ...]] = {}
        for changed in changes.files:
            if changed.has_content and changed.path.endswith(".py") and changed.new_oid:
                text = decode(objects.read_blob(changed.new_oid))
                imports[changed.path] = check_python(
                    changed.path, text, parse(text, changed.path), policy
                ).imports
        group = enabled_by_unit(policy)[Unit.IMPORTS]
        context = Context(group[0], policy, changes, objects, tree, cache)
        findings = run_imports(group, imports, context)
    for finding in findings:
        print(f"{finding.path}:{finding.line}: {finding.check}: {finding.message}")
    return 1 if findings else 0


def _policy() -> Policy:
    from agent_guard.globs import compile_globs
    from agent_guard.model import Severity
    from agent_guard.policy.model import Boundary, CheckSettings, Component, Policy

    source, target = _source_package()[4].split()
    return Policy(
        checks={
            "boundary": CheckSettings("boundary", Severity.ERROR),
            "import-cycle": CheckSettings("import-cycle", Severity.WARNING),
        },
        components={
            "source": Component("source", compile_globs([source.replace(".", "/") + "/**"])),
            "target": Component("target", compile_globs([]), (target,)),
        },
        boundaries=(Boundary("source", "target"),),
    )


def modules_parsed(repo: Path) -> int:
    """How many modules a cold agent-guard run parses (from its debug log, in process)."""
    import logging

    counts: list[int] = []

    class Grab(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            args = record.args
            if record.msg.startswith("architecture:") and isinstance(args, tuple):
                counts.append(int(str(args[0])))

    logger = logging.getLogger("agent_guard.checks.architecture")
    handler = Grab()
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        run_agent_guard(repo, None)
    finally:
        logger.removeHandler(handler)
    return counts[0] if counts else -1


def run(quick: bool = False) -> list[Row]:
    try:
        import peers

        peers.ensure(quiet=True)
        lint_imports = peers.bin("lint-imports")
    except Exception as error:
        logging.getLogger(__name__).debug("import-linter unavailable", exc_info=True)
        return [unavailable(BENCHMARK, "import-linter", f"peer not installed: {error}")]
    repo, package, count = build_repository()
    cache = WORK / "agent-guard-cache"
    me = Path(__file__).resolve()

    def clear_agent_guard() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    def clear_import_linter() -> None:
        shutil.rmtree(repo / ".import_linter_cache", ignore_errors=True)

    env = {"PYTHONPATH": str(repo)}
    agent_guard_argv = [python(), str(me), "--agent-guard-run", str(repo), str(cache)]
    commands = [
        Command("agent-guard cold", agent_guard_argv, repo, prepare=clear_agent_guard),
        Command("agent-guard warm", agent_guard_argv, repo),
        Command(
            "import-linter cold",
            [str(lint_imports), "--no-cache"],
            repo,
            env=env,
            prepare=clear_import_linter,
        ),
        Command("import-linter warm", [str(lint_imports)], repo, env=env),
    ]
    samples = interleaved(commands, runs=3 if quick else 9)
    label = f"{BENCHMARK} ({package}, {count} modules)"
    by_name = {sample.name: sample.row(label) for sample in samples}
    parsed = modules_parsed(repo)
    rows = [
        by_name["import-linter cold"],
        ratio_row(by_name["agent-guard cold"], by_name["import-linter cold"]),
        by_name["import-linter warm"],
        ratio_row(by_name["agent-guard warm"], by_name["import-linter warm"]),
    ]
    rows[1] = replace(rows[1], note=rows[1].note or f"reads {parsed} of {count} modules")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 9")
    parser.add_argument("--agent-guard-run", nargs=2, metavar=("REPO", "CACHE"), help="internal")
    args = parser.parse_args()
    if args.agent_guard_run:
        repo, cache = args.agent_guard_run
        sys.exit(run_agent_guard(Path(repo), Path(cache)))
    print(render(run(quick=args.quick)))


if __name__ == "__main__":
    main()
