"""Commit time: checking a 20-file staged change to real code, agent-guard vs floor vs peers.

Workload: `corpora.staged_change` — a clone of the replayed stdlib history (or of the
repository given with `--repo`) whose index holds the tip versions of 20 real modules
after their last real edit. Every tool sees the same 20 files.

Measured, interleaved, medians of N runs (the first run of each is a discarded warm-up, so
agent-guard runs with its policy cache warm, as it does from the second commit on):

- `floor.py staged`: the stdlib-only minimum (see floor.py);
- `agent-guard diff --staged` and `agent-guard hook pre-commit`;
- the peers on the same files: `ruff check` with the rules matching agent-guard's AST
  checks (see RUFF_ARGS), `detect-secrets-hook` (as pre-commit runs it),
  flake8 with bugbear + print, and `pre-commit run` driving ruff + detect-secrets as
  local hooks (the stack agent-guard replaces, glue included).

Goals (issue 8): agent-guard <= 1.5x the floor and <= 0.15x ruff + detect-secrets.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _measure
import corpora
import peers
from _measure import Command, Sample
from _table import Row, ratio_row, standalone, unavailable

BENCH = "commit (20 files)"
# ruff's rules for what agent-guard's AST checks look for (mutable defaults, print, blind
# except, blocking calls in async code, annotations, syntax errors). --isolated: no config
# from directories above the corpus; --no-cache: a new commit's files are new content.
RUFF_ARGS = ("--isolated", "--no-cache", "--select", "B006,T20,BLE001,ASYNC,ANN,E9")
PRE_COMMIT_CONFIG = """\
repos:
  - repo: local
    hooks:
      - id: ruff
        name: ruff
        entry: {ruff} check {ruff_args}
        language: system
        types: [python]
      - id: detect-secrets
        name: detect-secrets
        entry: {detect_secrets}
        language: system
"""


def staged_files(repo: Path) -> list[str]:
    out = corpora.git(repo, "diff", "--cached", "--name-only", "-z", "--diff-filter=d")
    return [name for name in out.split("\0") if name.endswith(".py")]


def peer_commands(repo: Path, files: list[str]) -> list[Command]:
    """The peers on the same files; empty when the peers venv cannot be set up."""
    try:
        peers.ensure()
    except peers.PeerError as error:
        print(f"commit_time: peers unavailable: {error}", file=sys.stderr)
        return []
    ruff = [str(peers.bin("ruff")), "check", *RUFF_ARGS]
    commands = [
        Command("ruff check", [*ruff, *files], repo),
        Command("detect-secrets-hook", [str(peers.bin("detect-secrets-hook")), *files], repo),
    ]
    if peers.available("flake8"):
        select = "B,T20,E9,F63,F7,F82"
        argv = [str(peers.bin("flake8")), f"--select={select}", *files]
        commands.append(Command("flake8 (+bugbear, print)", argv, repo))
    if peers.available("pre-commit"):
        config = peers.WORK / "pre-commit-config.yaml"
        config.write_text(
            PRE_COMMIT_CONFIG.format(
                ruff=peers.bin("ruff"),
                ruff_args=" ".join(RUFF_ARGS),
                detect_secrets=peers.bin("detect-secrets-hook"),
            )
        )
        home = {"PRE_COMMIT_HOME": str(peers.WORK / "pre-commit-home")}
        argv = [str(peers.bin("pre-commit")), "run", "--config", str(config)]
        commands.append(Command("pre-commit (ruff + detect-secrets)", argv, repo, env=home))
    return commands


def run(quick: bool = False, repo: Path | None = None) -> list[Row]:
    history = corpora.external_history(repo) if repo else corpora.stdlib_history(1000)
    staged = corpora.staged_change(history, files=20)
    files = staged_files(staged)
    runs = 5 if quick else 15

    floor = Command("floor (stdlib only)", _measure.floor("staged"), staged)
    ours: list[Command] = []
    missing: list[Row] = []
    for args, probe in ((("diff", "--staged"), ("diff",)), (("hook", "pre-commit"), None)):
        name = "agent-guard " + " ".join(args)
        why = _measure.probe(*(probe or args), cwd=staged)
        if why:
            missing.append(unavailable(BENCH, name, why))
        else:
            ours.append(Command(name, _measure.agent_guard(*args), staged))
    others = peer_commands(staged, files)
    samples = _measure.interleaved([floor, *ours, *others], runs)
    by_name: dict[str, Sample] = {s.name: s for s in samples}

    floor_row = by_name[floor.name].row(BENCH, note=f"{len(files)} .py files")
    rows = [floor_row]
    peer_rows = [by_name[c.name].row(BENCH) for c in others]
    stack: Row | None = None
    ruff, secrets = by_name.get("ruff check"), by_name.get("detect-secrets-hook")
    if ruff and secrets and ruff.median is not None and secrets.median is not None:
        stack = Row(
            BENCH,
            "ruff + detect-secrets",
            ruff.median + secrets.median,
            runs=runs,
            peak_rss_kib=max(ruff.peak or 0, secrets.peak or 0),
            note="sum of the two medians",
        )
    for command in ours:
        row = by_name[command.name].row(BENCH)
        rows.append(ratio_row(row, floor_row, limit=1.5))
        if stack is not None:
            rows.append(ratio_row(row, stack, limit=0.15))
    rows += missing
    rows += peer_rows
    if stack is not None:
        rows.append(stack)
    return rows


if __name__ == "__main__":
    standalone(run)
