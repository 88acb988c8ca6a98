"""Agreement between agent-guard's code checks and ruff on the rules they share.

The same corpus the tests use (`tests/checks/corpus/`, one small file per case) is checked
by ruff — in its own venv (`benchmarks/peers.py`), with `--isolated --preview` and only the
overlapping rules selected — and by agent-guard, with only the corpus directory's check
enabled (as the tests do). Findings are compared per (file, line, agent-guard code), ruff's
codes mapped to ours:

    B006 -> AG101 mutable-default          T201 -> AG102 print-call
    BLE001 -> AG103 broad-except           ASYNC210/212/220/221/222/230/251 -> AG104
    RUF029 -> AG105 async-without-await    ANN001/ANN201 -> AG106 missing-annotation

Each corpus directory is about one check (only that check is enabled on it, as in the
tests), so ruff's findings on a file are compared for that check's rules only. Besides the
rules the issue names, T203, E722, ASYNC250 and ANN002/003/202/204 are selected: they cover
the same ground as one of our checks. ANN001 points at the parameter; it is moved to its
function's `def` line, where agent-guard reports one finding per function. The per-rule
table counts findings both tools report, and those only one reports; every disagreement is
listed, and each is either a bug to fix or a deliberate difference in `docs/checks.md`.

    .venv/bin/python benchmarks/ruff_agreement.py [--json]
"""

from __future__ import annotations

import argparse
import ast
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers

from agent_guard.checks.python import check_python
from agent_guard.checks.registry import BY_SLUG
from agent_guard.policy.model import CheckSettings, Policy
from tests.checks.corpus_cases import Case, all_cases

RUFF_TO_OURS: dict[str, str] = {
    "B006": "AG101",
    "T201": "AG102",
    "BLE001": "AG103",
    **{f"ASYNC{n}": "AG104" for n in (210, 212, 220, 221, 222, 230, 251)},
    "RUF029": "AG105",
    "ANN001": "AG106",
    "ANN201": "AG106",
}
#: Rules the issue does not name that cover the same ground as one of our checks: selected
#: too, so that a difference is a real one (pprint, bare except, input(), *args, private
#: functions, special methods), and shown separately in the per-rule line.
ALSO: dict[str, str] = {
    "T203": "AG102",
    "E722": "AG103",
    "ASYNC250": "AG104",
    "ANN002": "AG106",
    "ANN003": "AG106",
    "ANN202": "AG106",
    "ANN204": "AG106",
}
RUFF_TO_OURS |= ALSO
COMPARED = {"AG101", "AG102", "AG103", "AG104", "AG105", "AG106"}

Key = tuple[str, int, str]  # (case id, line, agent-guard code)


def def_lines(text: str) -> dict[int, int]:
    """Line of every parameter -> line of its function's `def` (ANN001 -> our def line)."""
    mapping: dict[int, int] = {}
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for arg in ast.walk(node.args):
                if isinstance(arg, ast.arg):
                    mapping.setdefault(arg.lineno, node.lineno)
    return mapping


def ruff_findings(cases: list[Case]) -> tuple[set[Key], dict[Key, str], str]:
    peers.ensure(quiet=True)
    ruff = str(peers.bin("ruff"))
    version = subprocess.run([ruff, "--version"], capture_output=True, text=True, check=True)
    by_file = {str(case.file): case for case in cases}
    done = subprocess.run(
        [ruff, "check", "--isolated", "--preview", "--target-version", "py312",
         "--select", ",".join(RUFF_TO_OURS), "--output-format", "json", "--exit-zero",
         *by_file],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: set[Key] = set()
    rules: dict[Key, str] = {}
    for item in json.loads(done.stdout):
        case = by_file[str(Path(item["filename"]))]
        ours = RUFF_TO_OURS[item["code"]]
        if ours != BY_SLUG[case.slug].code:
            continue  # another check's rule: that check does not run on this directory
        line = item["location"]["row"]
        if item["code"] == "ANN001":
            line = def_lines(case.text).get(line, line)
        key = (case.id, line, ours)
        found.add(key)
        rules[key] = item["code"]
    return found, rules, version.stdout.strip()


def our_findings(cases: list[Case]) -> set[Key]:
    found: set[Key] = set()
    for case in cases:
        settings = CheckSettings(
            case.slug, BY_SLUG[case.slug].default_severity, options=case.options
        )
        text = case.text
        result = check_python(
            case.path, text, ast.parse(text), Policy(checks={case.slug: settings})
        )
        found.update((case.id, f.line, f.code) for f in result.findings if f.code in COMPARED)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    options = parser.parse_args()
    cases = [
        case for case in all_cases()
        if BY_SLUG[case.slug].code in COMPARED and not case.checks
    ]  # fmt: skip
    theirs, rules, version = ruff_findings(cases)
    ours = our_findings(cases)
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"both": 0, "ours": 0, "ruff": 0})
    disagreements: list[str] = []
    for key in sorted(ours | theirs):
        case_id, line, code = key
        row = table[code]
        if key in ours and key in theirs:
            row["both"] += 1
        elif key in ours:
            row["ours"] += 1
            disagreements.append(f"  {code} only agent-guard: {case_id}.py:{line}")
        else:
            row["ruff"] += 1
            disagreements.append(f"  {code} only ruff ({rules[key]}): {case_id}.py:{line}")
    per_ruff_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for key, rule in rules.items():
        per_ruff_rule[rule][0] += 1
        per_ruff_rule[rule][1] += key in ours
    per_rule: dict[str, dict[str, float]] = {
        code: {**row, "agreement": round(row["both"] / max(1, sum(row.values())), 3)}
        for code, row in sorted(table.items())
    }
    summary = {
        "ruff": version,
        "cases": len(cases),
        "rules": per_rule,
        "ruff_rules": {
            rule: {"ruff": n, "agreed": a} for rule, (n, a) in sorted(per_ruff_rule.items())
        },
        "disagreements": disagreements,
    }
    if options.json:
        print(json.dumps(summary, indent=2))
        return 0
    print(f"{version}; {len(cases)} corpus cases; findings per (file, line, code)")
    print(f"  {'check':6} {'both':>5} {'only ag':>8} {'only ruff':>10} {'agreement':>10}")
    for code, got in per_rule.items():
        print(
            f"  {code:6} {got['both']:5} {got['ours']:8} {got['ruff']:10} {got['agreement']:10.0%}"
        )
    print(
        "  ruff rule: findings (agreed)  "
        + ", ".join(f"{rule} {n} ({a})" for rule, (n, a) in sorted(per_ruff_rule.items()))
    )
    if disagreements:
        print("disagreements (each one is fixed or documented in docs/checks.md):")
        print("\n".join(disagreements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
