"""agent-guard's secret scan against detect-secrets: precision, recall and time, one run.

Two workloads, the same files for both tools:
- the labelled corpus (`tests/secrets/corpus.tsv`: fake credentials of every kind the check
  knows, and false-positive traps), laid out as files; precision and recall are per line
  (a line counts as found when a tool reports anything on it);
- a large real tree: the standard library's sources (every text file outside
  site-packages), which hold no live credential. Its only real secrets are the test private
  keys under `test/certdata`; every other report there is a false positive (or test data).

Each tool runs as a fresh process over the whole directory, interleaved with the other:
`detect-secrets scan --all-files DIR` (all plugins and filters at their defaults, from the
peers venv, see peers.py) and this script's `--scan DIR` mode, which runs agent-guard's
`scan_text` on every text file of DIR (what the engine does per blob, on all lines).
detect-secrets uses every core (multiprocessing); agent-guard one. Time ratios are
agent-guard / detect-secrets (below 1 is faster). The trees are copied to a temporary
directory outside any git repository, because `--all-files` still honours .gitignore.

    .venv/bin/python benchmarks/secrets_vs_detect_secrets.py [--quick] [--show N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))
sys.path.insert(0, str(ROOT))

import peers  # noqa: E402
from _measure import Command, interleaved, python  # noqa: E402
from _table import Row, ratio_row, render, unavailable  # noqa: E402

from tests.secrets.corpus import Record, Score, score  # noqa: E402

SKIPPED_DIRS = frozenset({"site-packages", "__pycache__", ".git"})
QUICK_STDLIB = ("email", "json", "http", "urllib", "test/certdata", "test/test_email")
Flagged = dict[str, set[int]]  # relative path -> 1-based lines reported


# ------------------------------------------------------------------ the agent-guard side


def _unsuppressed_lines(lines: set[int], text: str, path: str) -> set[int]:
    """The flagged `lines` that no inline suppression naming `secret` accepts, as in the
    engine's suppression stage (a secret is an error, so a suppression of it is honoured)."""
    from agent_guard.verdict.suppressions import find_suppressions

    if not lines:
        return lines
    written = find_suppressions(text, python=path.endswith(".py"))
    kept = set()
    for line in lines:
        suppression = written.get(line)
        if suppression is None or "secret" not in suppression.checks:
            kept.add(line)
    return kept


def scan_tree(root: Path) -> Flagged:
    """agent-guard's secret scan over every text file under `root` (the `--scan` mode).

    Content only, like detect-secrets: files that are secrets by their name (`*.pem`, `.env`)
    are reported by the engine when added, and would only add findings here. Inline
    suppressions count as they do in the engine's suppression stage (and as detect-secrets
    honours its own pragma): a suppressed line is not flagged.
    """
    from agent_guard.checks.secret import ScanConfig, scan_text
    from agent_guard.model import Severity
    from agent_guard.policy.model import CheckSettings

    config = ScanConfig.from_settings(CheckSettings("secret", Severity.ERROR))
    flagged: Flagged = {}
    for path in _files(root):
        data = path.read_bytes()
        relative = path.relative_to(root).as_posix()
        if b"\0" in data:
            continue
        text = data.decode("utf-8", "replace")
        lines = {hit.line for hit in scan_text(relative, text, None, config)}
        lines = _unsuppressed_lines(lines, text, relative)
        if lines:
            flagged[relative] = lines
    return flagged


def _files(root: Path) -> Iterator[Path]:
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRS)
        for name in sorted(names):
            path = Path(directory, name)
            if path.is_file() and not path.is_symlink():
                yield path


# -------------------------------------------------------------------------- workloads


def corpus_tree(work: Path) -> tuple[Path, dict[tuple[str, int], object]]:
    from tests.secrets import corpus

    target = work / "corpus"
    where = corpus.materialize(corpus.load(), target)
    return target, dict(where)


def stdlib_tree(work: Path, quick: bool) -> Path:
    source = Path(sysconfig.get_paths()["stdlib"])
    target = work / "stdlib"
    parts = QUICK_STDLIB if quick else (".",)
    for part in parts:
        origin = source / part
        if origin.exists():
            shutil.copytree(
                origin,
                target / part,
                ignore=shutil.ignore_patterns(*SKIPPED_DIRS, "*.pyc"),
                symlinks=True,
                dirs_exist_ok=True,
            )
    return target


def detect_secrets_results(root: Path) -> Flagged:
    done = subprocess.run(
        [str(peers.bin("detect-secrets")), "scan", "--all-files", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    flagged: Flagged = {}
    for name, results in json.loads(done.stdout)["results"].items():
        flagged[Path(name).as_posix()] = {int(result["line_number"]) for result in results}
    return flagged


def agent_guard_results(root: Path) -> Flagged:
    done = subprocess.run(
        [python(), __file__, "--scan", str(root)], capture_output=True, text=True, check=True
    )
    return {path: set(lines) for path, lines in json.loads(done.stdout).items()}


# ---------------------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class Quality:
    """One tool's score on one tree; recall and precision are the corpus test's own `Score`."""

    tool: str
    score: Score

    @property
    def recall(self) -> float:
        return self.score.recall

    @property
    def precision(self) -> float:
        return self.score.precision

    @property
    def false_positives(self) -> tuple[tuple[str, int], ...]:
        return self.score.false_positives

    def line(self) -> str:
        score = self.score
        return (
            f"{self.tool:15} recall {score.recall:6.1%} ({score.found}/{score.secrets})  "
            f"precision {score.precision:6.1%} ({score.found}/{score.flagged})  "
            f"false positives {len(score.false_positives)}"
        )


def corpus_quality(tool: str, flagged: Flagged, where: dict[tuple[str, int], object]) -> Quality:
    records = {key: value for key, value in where.items() if isinstance(value, Record)}
    lines = {(path, line) for path, numbers in flagged.items() for line in numbers}
    return Quality(tool, score(records, lines))


def stdlib_quality(tool: str, flagged: Flagged, root: Path) -> Quality:
    """True = a line of a private key block (or a key file) in the test certificates."""
    false_positives: list[tuple[str, int]] = []
    truth = _stdlib_private_keys(root)
    for path, numbers in flagged.items():
        false_positives += [(path, number) for number in numbers if (path, number) not in truth]
    # Recall counts each key block once: a tool may report its header or a body line.
    blocks = {block for (_, _), block in truth.items()}
    hit_blocks = {truth[(p, n)] for p, ns in flagged.items() for n in ns if (p, n) in truth}
    result = Score(
        secrets=len(blocks),
        found=len(hit_blocks),
        false_positives=tuple(sorted(false_positives)),
        missed=tuple(sorted(blocks - hit_blocks)),
        flagged=len(hit_blocks) + len(false_positives),
    )
    return Quality(tool, result)


def _stdlib_private_keys(root: Path) -> dict[tuple[str, int], tuple[str, int]]:
    """Every line of a `BEGIN … PRIVATE KEY` block with key material in it -> (file, BEGIN).

    `test/certdata/badkey.pem` has blocks whose body is an English sentence: not a key.
    """
    truth: dict[tuple[str, int], tuple[str, int]] = {}
    for path in _files(root):
        data = path.read_bytes()
        if b"PRIVATE KEY-----" not in data or b"\0" in data:
            continue
        relative = path.relative_to(root).as_posix()
        block: list[int] = []
        keyed = False
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if line.startswith("-----BEGIN") and "PRIVATE KEY" in line:
                block, keyed = [number], False
            elif block:
                block.append(number)
                keyed = keyed or re.fullmatch(r"[A-Za-z0-9+/=]{16,}", line.strip()) is not None
                if line.startswith("-----END"):
                    if keyed:
                        truth.update(((relative, n), (relative, block[0])) for n in block)
                    block = []
    return truth


# ---------------------------------------------------------------------------- timing


def timed(benchmark: str, root: Path, runs: int) -> tuple[Row, Row]:
    commands = [
        Command("agent-guard secret scan", [python(), __file__, "--scan", str(root)], root),
        Command(
            "detect-secrets scan",
            [str(peers.bin("detect-secrets")), "scan", "--all-files", "."],
            root,
        ),
    ]
    ours, theirs = (
        sample.row(benchmark) for sample in interleaved(commands, runs, warmup=1 if runs > 1 else 0)
    )
    return ratio_row(ours, theirs), theirs


def run(quick: bool = False, show: int = 0) -> list[Row]:
    try:
        peers.ensure(quiet=True)
    except peers.PeerError as error:
        return [unavailable("secrets", "detect-secrets", str(error).splitlines()[0])]
    if not peers.available("detect-secrets"):
        return [unavailable("secrets", "detect-secrets", "not installed in the peers venv")]
    rows: list[Row] = []
    report: list[str] = []
    with tempfile.TemporaryDirectory(prefix="agent-guard-secrets-") as temporary:
        work = Path(temporary)
        corpus_root, where = corpus_tree(work)
        stdlib_root = stdlib_tree(work, quick)
        texts = [p.read_bytes() for p in _files(stdlib_root)]
        count, size = len(texts), sum(len(t) for t in texts if b"\0" not in t) / 1e6
        del texts

        for name, quality_of in (
            ("corpus", lambda tool, flagged: corpus_quality(tool, flagged, where)),
            ("stdlib", lambda tool, flagged: stdlib_quality(tool, flagged, stdlib_root)),
        ):
            root = corpus_root if name == "corpus" else stdlib_root
            ours = quality_of("agent-guard", agent_guard_results(root))
            theirs = quality_of("detect-secrets", detect_secrets_results(root))
            title = (
                "labelled corpus"
                if name == "corpus"
                else f"stdlib ({count} files, {size:.0f} MB of text)"
            )
            report += [f"{title}:", "  " + ours.line(), "  " + theirs.line()]
            for quality in (ours, theirs):
                for path, number in quality.false_positives[:show]:
                    report.append(f"    {quality.tool} false positive: {path}:{number}")
            runs = (3 if quick else 10) if name == "corpus" else (1 if quick else 3)
            ours_row, theirs_row = timed(f"secrets/{name}", root, runs)
            rows += [
                replace(ours_row, note=f"recall {ours.recall:.0%}, precision {ours.precision:.0%}"),
                replace(
                    theirs_row, note=f"recall {theirs.recall:.0%}, precision {theirs.precision:.0%}"
                ),
            ]
    print("\n".join(report), file=sys.stderr)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a part of the stdlib, fewer runs")
    parser.add_argument("--show", type=int, default=0, help="list N false positives per tool")
    parser.add_argument("--scan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scan is not None:
        flagged = scan_tree(args.scan)
        json.dump({path: sorted(lines) for path, lines in flagged.items()}, sys.stdout)
        return 0
    started = time.perf_counter()
    rows = run(quick=args.quick, show=args.show)
    sys.stderr.flush()
    print(render(rows))
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
