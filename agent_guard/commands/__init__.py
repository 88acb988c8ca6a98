"""One module per subcommand; each exposes `command`, a click command (see cli.py).

`COMMANDS` is the table of subcommands and their one-line help: the click group lists it
for `--help` without importing every command module.
"""

COMMANDS: dict[str, str] = {
    "diff": "Check a change (staged by default, or a revision range) against the policy.",
    "check": "Check every line of files (default: the whole work tree), like `ruff check`.",
    "baseline": "Record today's findings (.agent-guard-baseline.json): later runs report new ones.",
    "rules": "Show the compiled policy: every rule, its severity and the checks enforcing it.",
    "explain": "Show the documentation of a check.",
    "init": "Write a starter .agent-guard.yaml from the discovered rule files.",
    "hook": "Entry points for git hooks: pre-commit, commit-msg, pre-push, pre-receive.",
    "install": "Install agent-guard as native git hooks in this repository.",
    "approve": "Approve the escalations of a range with a trailer (for human approvers).",
}
