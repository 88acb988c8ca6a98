"""`agent-guard hook ...`: what git (or the pre-commit framework, or a server) runs.

    agent-guard hook pre-commit [--escalations auto|defer|block] [FILES...]
    agent-guard hook commit-msg FILE
    agent-guard hook pre-push [REMOTE [URL]]            (refs on stdin, as git passes them)
    agent-guard hook pre-receive [--policy DIR] [--time-budget S] [--fail-open]

The local hooks also take diff's report options (--format text|concise, --select,
--ignore, --exit-zero, --statistics, --output-file; see commands/output.py).

The work is in `agent_guard.hooks`; this module parses arguments, renders, and turns the
server hook's failures into one-line rejections (fail closed). Exit codes: 0 passed,
1 blocked (or rejected), 2 a usage error in a local hook.

Why no click here: git runs these on every commit and push, and going through click costs
15-29 ms of a ~160 ms check (measured, see commands/params.py). The parameters are declared
once (`HOOKS`, see `commands/params.py`): a lean parser handles the invocations git makes,
and click is built from the same declarations for `--help`, completion and for reporting a
bad invocation.
"""

from __future__ import annotations

import io
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from agent_guard.commands import output
from agent_guard.commands.params import Command, Param
from agent_guard.errors import EXIT_BLOCKED, EXIT_OK, UsageError

if TYPE_CHECKING:
    import click

    from agent_guard.selection import Selection
    from agent_guard.verdict import Verdict

log = logging.getLogger(__name__)

GITLAB_PREFIX = "GL-HOOK-ERR: "  # GitLab shows a server hook's lines in the web UI with it
HELP = "Entry points for git hooks: pre-commit, commit-msg, pre-push, pre-receive."


def _emit(text: str, *, prefix: str = "") -> None:
    lines = text.rstrip("\n").split("\n") if text.strip() else []
    if lines:
        stream = sys.stdout
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")  # never crash on a strange name
        stream.write("".join(prefix + line + "\n" for line in lines))
        stream.flush()


def _notes(outcome: object) -> str:
    from agent_guard.hooks import Outcome
    from agent_guard.report.escape import escape

    assert isinstance(outcome, Outcome)
    # Notes quote push options and ref names, chosen by whoever pushes: neutralise controls.
    return "".join(f"agent-guard: {escape(note)}\n" for note in outcome.notes)


def _render(outcome: object, *, color: bool | None) -> str:
    from agent_guard.hooks import Outcome
    from agent_guard.report import render

    assert isinstance(outcome, Outcome)
    buffer = io.StringIO()
    render(outcome.verdict, "text", buffer, color=color)
    return buffer.getvalue() + _notes(outcome)


def _report(outcome: object, options: dict[str, Any]) -> int:
    """Write a local hook's report (its notes after the findings); its exit code."""
    from agent_guard.hooks import Outcome
    from agent_guard.report import render

    assert isinstance(outcome, Outcome)
    if _nothing_to_say(outcome) and options["output_file"] is None:
        return output.exit_code(outcome.verdict, options["exit_zero"])

    def draw(verdict: Verdict, fmt: str, stream: TextIO, color: bool | None) -> None:
        render(verdict, fmt, stream, color)
        stream.write(_notes(outcome))

    output.report(
        outcome.verdict,
        options["fmt"],
        color=None,
        statistics=options["statistics"],
        output_file=options["output_file"],
        render=draw,
    )
    return output.exit_code(outcome.verdict, options["exit_zero"])


def _nothing_to_say(outcome: object) -> bool:
    """Under the pre-commit framework, a hook with nothing worth reading prints nothing.

    pre-commit hides a passing hook's output, so warnings would go unseen; the manifest
    (.pre-commit-hooks.yaml) sets `verbose: true` on the `agent-guard` hook to show them.
    Then a clean commit must not add "passed: no findings" to every commit's output: only a
    finding that counts, an approval, a deferred escalation or a note is worth printing
    (suppressed and baselined findings are listed with -v).
    """
    from agent_guard.hooks import Outcome

    assert isinstance(outcome, Outcome)
    verdict = outcome.verdict
    return (
        os.environ.get("PRE_COMMIT") == "1"
        and not outcome.notes
        and not verdict.deferred
        and not verdict.approved
        and not any(verdict.counts.values())
        and not output.verbose()
    )


def _selection(options: dict[str, Any]) -> Selection:
    from agent_guard.selection import parse_selection

    return parse_selection(options["select"], options["ignore"])


def pre_commit(escalations: str, files: tuple[str, ...] = (), **options: Any) -> int:
    """Check the staged change (FILES: what the pre-commit framework passes; files that are
    not staged changes, as with `pre-commit run --all-files`, are checked whole)."""
    from agent_guard import hooks

    outcome = hooks.pre_commit(
        Path.cwd(),
        escalations=escalations,
        selection=_selection(options),
        files=files,
        environ=os.environ,
    )
    return _report(outcome, options)


def commit_msg(message_file: Path, **options: Any) -> int:
    """Check the commit message and the approvals of the staged change."""
    from agent_guard import hooks

    outcome = hooks.commit_msg(Path.cwd(), message_file, selection=_selection(options))
    return _report(outcome, options)


def pre_push(remote: str | None, url: str | None, **options: Any) -> int:
    """Check every ref being pushed (the refs come on stdin, as git passes them)."""
    from agent_guard import hooks

    framework = os.environ.get("PRE_COMMIT") == "1"
    stdin = "" if framework or sys.stdin.isatty() else sys.stdin.read()
    outcome = hooks.pre_push(Path.cwd(), remote, stdin, os.environ, selection=_selection(options))
    return _report(outcome, options)


def pre_receive(policy_dir: Path | None, time_budget: float, fail_open: bool) -> int:
    """Server side: check every ref of a push against the trusted policy (fails closed)."""
    from agent_guard import hooks
    from agent_guard.receive import Progress

    prefix = GITLAB_PREFIX if os.environ.get("GL_ID") else ""
    progress = Progress()
    try:
        with hooks.time_budget(time_budget, progress):
            stdin = sys.stdin.read()
            outcome = hooks.pre_receive(
                Path.cwd(), stdin, os.environ, policy_dir=policy_dir, progress=progress
            )
            text = _render(outcome, color=False)
            # Writing to the pusher is part of the budget: a slow sideband must not hold
            # the push (and the lock on its refs) past it.
            progress("writing the report to the pusher")
            _emit(_bounded(text), prefix=prefix)
    except hooks.TimeBudgetExceeded as exhausted:
        advice = (
            "push fewer commits at a time, or ask"
            if progress.phase.startswith(("reading the changes", "checking"))
            else "ask"
        )
        _emit(
            f"agent-guard: {exhausted}; push rejected rather than half-checked. "
            f"{advice[0].upper()}{advice[1:]} the administrator to raise --time-budget.",
            prefix=prefix,
        )
        return EXIT_BLOCKED
    except UsageError as error:
        return _fail(f"cannot check this push: {error}", fail_open, prefix)
    except Exception as error:  # fail closed on anything, with one line, never a traceback
        log.debug("internal error in pre-receive", exc_info=True)
        return _fail(f"internal error: {type(error).__name__}: {error}", fail_open, prefix)
    return outcome.exit_code


def _bounded(text: str) -> str:
    """The report cut to `limits.MAX_OUTPUT` bytes (UTF-8), saying so: the findings are
    capped already (`report/limits.py`); this also bounds the notes and anything else."""
    from agent_guard.report.limits import MAX_OUTPUT

    data = text.encode("utf-8", "backslashreplace")
    if len(data) <= MAX_OUTPUT:
        return text
    cut = data.rfind(b"\n", 0, MAX_OUTPUT) + 1 or MAX_OUTPUT
    kept = data[:cut].decode("utf-8", "ignore")
    return (
        f"{kept}agent-guard: report cut at {cut:,} of {len(data):,} bytes; run "
        "`agent-guard diff OLD..NEW` on a clone for the rest\n"
    )


def _fail(reason: str, fail_open: bool, prefix: str) -> int:
    """The one-line rejection (or, with --fail-open, acceptance) and its exit code."""
    from agent_guard.report.escape import escape

    one_line = escape(" ".join(reason.split()))
    if fail_open:
        _emit(f"agent-guard: {one_line}; push accepted unchecked (--fail-open)", prefix=prefix)
        return EXIT_OK
    _emit(f"agent-guard: {one_line}; push rejected (fail closed)", prefix=prefix)
    return EXIT_BLOCKED


# The local hooks report like `diff` (a pre-commit config's `args:` can pass these); the
# server hook does not take them: what it enforces is the trusted policy, not a command line.
LOCAL_OPTIONS = (
    output.format_param(("text", "concise")),
    *output.SELECTION_PARAMS,
    *output.OUTPUT_PARAMS,
)

HOOKS: dict[str, Command] = {
    "pre-commit": Command(
        "pre-commit",
        [
            Param(
                "--escalations",
                choices=("auto", "defer", "block"),
                default="auto",
                show_default=True,
                help="defer: report escalations for the commit-msg hook to judge; block: "
                "block them here; auto: defer when agent-guard's commit-msg hook is installed.",
            ),
            *LOCAL_OPTIONS,
            Param("files", multiple=True, metavar="[FILES]..."),
        ],
        pre_commit,
    ),
    "commit-msg": Command(
        "commit-msg",
        [Param("message_file", kind="file", required=True), *LOCAL_OPTIONS],
        commit_msg,
    ),
    "pre-push": Command("pre-push", [Param("remote"), Param("url"), *LOCAL_OPTIONS], pre_push),
    "pre-receive": Command(
        "pre-receive",
        [
            Param(
                "--policy",
                dest="policy_dir",
                kind="dir",
                help="Read the policy from this server directory instead of the ref being updated.",
            ),
            Param(
                "--time-budget",
                kind="float",
                default=4.0,
                show_default=True,
                help="Seconds after which the push is rejected rather than the hook being killed.",
            ),
            Param(
                "--fail-open",
                flag=True,
                default=False,
                help="Emergencies only: accept the push when agent-guard itself fails (never a "
                "finding).",
            ),
        ],
        pre_receive,
    ),
}


def __getattr__(name: str) -> Any:
    """`command`, the click group (`agent-guard hook --help`), built only when asked for."""
    if name == "command":
        from agent_guard.commands.params import to_click_group

        group: click.Group = to_click_group("hook", HELP, HOOKS)
        return group
    raise AttributeError(name)
