"""Replay real history through `agent-guard diff C^..C`: what would the guard have blocked?

    .venv/bin/python benchmarks/replay.py --repo PATH --last 300 \
        [--config FILE] [--rules FILE ...] [--jobs 2] [--json OUT] [--warnings 20]

A guard that blocks good commits gets uninstalled, so precision is measured on real work:
the last N first-parent commits of a repository, each judged on its own (`C^..C`, a merge
with its first parent, as CI judges what landed). The config and rule files are the ones a
team would write (see `benchmarks/replays/`); they are passed with `--config`/`--rules`, so
the replayed repository is never modified and its history needs no agent-guard files.

Printed: per check, its findings, the blocking ones, and its block rate (the share of
replayed commits it blocked); then every blocked commit with its blocking findings, to read
and label, and a sample of warnings. `--json OUT` saves every finding with its commit, for
labelling. A run that exits 2 or prints a traceback is a crash and is listed too.

agent-guard caches results per blob and policy in `<git-dir>/agent-guard/`; a replay measures
the code as it is now, so that cache is emptied first (`--keep-cache` keeps it).

`--new-only` applies issue 15's "new violations only" rule after the fact, as the engine
will: a code finding is dropped when the same check on the file's old version (`C^:path`,
the old path of a renamed file) has a finding with the same fingerprint
(`agent_guard.checks.fingerprint`).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Replayed:
    """One commit's run: its findings (as the JSON report gives them), exit code and time."""

    commit: str
    subject: str
    code: int
    seconds: float
    findings: list[dict[str, object]] = field(default_factory=list)
    error: str = ""

    @property
    def blocking(self) -> list[dict[str, object]]:
        return [f for f in self.findings if f.get("blocks")]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def commits(repo: Path, last: int, rev: str) -> list[tuple[str, str]]:
    """The last `last` first-parent commits that have a parent, newest first."""
    out = git(repo, "log", "--first-parent", f"-n{last}", "--format=%H%x00%P%x00%s", rev)
    result = []
    for line in out.splitlines():
        sha, parents, subject = line.split("\0", 2)
        if parents:
            result.append((sha, subject))
    return result


def replay_one(repo: Path, sha: str, subject: str, extra: list[str]) -> Replayed:
    command = [sys.executable, "-m", "agent_guard", "diff", f"{sha}^..{sha}"]
    command += ["--format", "json", "--no-color", *extra]
    start = time.perf_counter()
    run = subprocess.run(command, check=False, cwd=repo, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    result = Replayed(sha, subject, run.returncode, seconds)
    if run.returncode not in (0, 1) or "Traceback" in run.stderr:
        result.error = (run.stderr.strip().splitlines() or ["(no message)"])[-1]
        return result
    try:
        result.findings = json.loads(run.stdout)["findings"]
    except (ValueError, KeyError) as error:
        result.error = f"unreadable report: {error}"
    return result


CODE_FAMILY = "python"


class NewOnly:
    """Drops the code findings a commit's parent already had (by fingerprint)."""

    def __init__(self, repo: Path, config: Path | None, rules: list[Path]) -> None:
        from agent_guard.changes.git import open_repository
        from agent_guard.checks.registry import BY_SLUG
        from agent_guard.pipeline import load

        self.repo = repo
        self.code_checks = {slug for slug, info in BY_SLUG.items() if info.family == CODE_FAMILY}
        self.policy = load(open_repository(repo), config=config, rules=rules or None)

    def blob(self, rev: str, path: str) -> str | None:
        run = subprocess.run(
            ["git", "-C", str(self.repo), "show", f"{rev}:{path}"],
            check=False,
            capture_output=True,
        )
        if run.returncode != 0:
            return None
        from agent_guard.checks.pysource import SourceError, decode

        try:
            return decode(run.stdout)
        except SourceError:
            return None

    def renames(self, commit: str) -> dict[str, str]:
        """New path -> old path of the files `commit` renamed (as the engine sees them)."""
        out = git(self.repo, "diff", "--name-status", "-M", "-z", f"{commit}^", commit)
        fields = out.split("\0")
        result: dict[str, str] = {}
        index = 0
        while index < len(fields) - 1:
            status = fields[index]
            if status.startswith(("R", "C")):
                result[fields[index + 2]] = fields[index + 1]
                index += 3
            else:
                index += 2
        return result

    def filter(self, run: Replayed) -> None:
        from agent_guard.checks.fingerprint import new_findings
        from agent_guard.checks.pysource import SourceError, parse
        from agent_guard.checks.python import check_python
        from agent_guard.model import Finding, Severity

        by_path: dict[str, list[dict[str, object]]] = {}
        for finding in run.findings:
            if finding["check"] in self.code_checks and finding["check"] != "syntax-error":
                by_path.setdefault(str(finding["path"]), []).append(finding)
        renamed = self.renames(run.commit) if by_path else {}
        for path, found in by_path.items():
            old_text = self.blob(f"{run.commit}^", renamed.get(path, path))
            new_text = self.blob(run.commit, path)
            if old_text is None or new_text is None:
                continue
            try:
                old_tree, new_tree = parse(old_text, path), parse(new_text, path)
            except SourceError:
                continue
            old = check_python(path, old_text, old_tree, self.policy).findings
            new = [
                Finding(str(f["check"]), str(f["code"]), Severity(str(f["severity"])), path,
                        int(str(f["line"])), int(str(f["column"])), str(f["message"]), "",
                        extra=_extra(f))
                for f in found
            ]  # fmt: skip
            kept = new_findings(new, new_text.splitlines(), new_tree, old,
                                old_text.splitlines(), old_tree)  # fmt: skip
            keep = {(k.check, k.line, k.column, k.message) for k in kept}
            drop = [
                f for f in found
                if (f["check"], f["line"], f["column"], f["message"]) not in keep
            ]  # fmt: skip
            run.findings = [f for f in run.findings if all(f is not d for d in drop)]


def _extra(finding: dict[str, object]) -> tuple[tuple[str, str], ...]:
    """The report's `extra` back as a Finding's (its `parts` feed the fingerprint)."""
    extra = finding.get("extra")
    return tuple((str(k), str(v)) for k, v in extra.items()) if isinstance(extra, dict) else ()


def table(runs: list[Replayed]) -> list[str]:
    findings: Counter[str] = Counter()
    blocking: Counter[str] = Counter()
    blocked_commits: Counter[str] = Counter()
    for run in runs:
        for finding in run.findings:
            findings[str(finding["check"])] += 1
        for check in {str(f["check"]) for f in run.blocking}:
            blocked_commits[check] += 1
        for finding in run.blocking:
            blocking[str(finding["check"])] += 1
    total = len(runs) or 1
    lines = [f"{'check':<22} {'findings':>8} {'blocking':>8} {'commits blocked':>16}"]
    for check in sorted(findings, key=lambda c: (-blocking[c], -findings[c], c)):
        rate = f"{blocked_commits[check]} ({100 * blocked_commits[check] / total:.1f}%)"
        lines.append(f"{check:<22} {findings[check]:>8} {blocking[check]:>8} {rate:>16}")
    return lines


def describe(finding: dict[str, object]) -> str:
    source = str(finding.get("source") or "").strip()
    where = f"{finding['path']}:{finding['line']}"
    head = f"    {finding['severity']:<8} {finding['check']:<20} {where}"
    return f"{head}\n             {finding['message']}" + (
        f"\n             | {source}" if source else ""
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repo", type=Path, required=True, help="a git work tree")
    parser.add_argument("--last", type=int, default=300, help="first-parent commits to replay")
    parser.add_argument("--rev", default="HEAD", help="where the history ends")
    parser.add_argument("--config", type=Path, help="agent-guard config to use")
    parser.add_argument("--rules", type=Path, action="append", default=[], help="rule file")
    parser.add_argument("--jobs", type=int, default=1, help="commits replayed at once")
    parser.add_argument("--json", type=Path, help="write every finding here")
    parser.add_argument("--warnings", type=int, default=15, help="warnings to sample")
    parser.add_argument("--keep-cache", action="store_true", help="keep agent-guard's cache")
    parser.add_argument(
        "--new-only", action="store_true", help="drop code findings the parent already had"
    )
    args = parser.parse_args(argv)

    repo = args.repo.resolve()
    extra: list[str] = []
    if args.config:
        extra += ["--config", str(args.config.resolve())]
    for rule in args.rules:
        extra += ["--rules", str(rule.resolve())]
    todo = commits(repo, args.last, args.rev)
    if not args.keep_cache:
        cache = Path(git(repo, "rev-parse", "--absolute-git-dir").strip()) / "agent-guard"
        shutil.rmtree(cache, ignore_errors=True)  # results of an older agent-guard
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        runs = list(pool.map(lambda c: replay_one(repo, c[0], c[1], extra), todo))
    unfiltered = table(runs)
    if args.new_only:
        config = args.config.resolve() if args.config else None
        new_only = NewOnly(repo, config, [rule.resolve() for rule in args.rules])
        for run in runs:
            if run.findings:
                new_only.filter(run)

    blocked = [run for run in runs if run.blocking]
    crashed = [run for run in runs if run.error]
    seconds = [run.seconds for run in runs] or [0.0]
    rate = 100 * len(blocked) / max(len(runs), 1)
    span = f"{todo[-1][0][:10]}..{todo[0][0][:10]}" if todo else "(none)"
    out = [
        f"replay of {repo.name}: {len(runs)} commits ({span})",
        f"crashes: {len(crashed)}   blocked: {len(blocked)} ({rate:.1f}%)"
        f"   median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s per commit",
        "",
        *table(runs),
        "",
    ]
    if args.new_only:
        out += ["before the fingerprint filter (--new-only):", *unfiltered, ""]
    out += ["blocked commits:"]
    for run in blocked:
        out.append(f"  {run.commit[:12]} {run.subject[:90]}")
        out += [describe(f) for f in run.blocking]
    for run in crashed:
        out.append(f"  CRASH {run.commit[:12]} (exit {run.code}): {run.error}")
    warnings = [(run, f) for run in runs for f in run.findings if not f.get("blocks")]
    sample = random.Random(0).sample(warnings, min(args.warnings, len(warnings)))
    out += ["", f"a sample of {len(sample)} of {len(warnings)} non-blocking findings:"]
    for run, finding in sample:
        out.append(f"  {run.commit[:12]}")
        out.append(describe(finding))
    print("\n".join(out))  # the harness is a report writer
    if args.json:
        dump = [
            {"commit": r.commit, "subject": r.subject, "code": r.code, "error": r.error,
             "seconds": round(r.seconds, 3), "findings": r.findings}
            for r in runs
        ]  # fmt: skip
        args.json.write_text(json.dumps(dump, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
