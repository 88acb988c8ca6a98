"""The floor: the least work any Python tool must do to check a change, stdlib only.

agent-guard's speed goals are ratios to this script, so it does exactly the minimum and
nothing else — no policy, no findings, no output but a count:

    python benchmarks/floor.py staged          # in a work tree: the staged change
    python benchmarks/floor.py push < stdin    # in a (bare) repo: pre-receive input lines

staged: `git diff --cached --name-status -z` (which files), `git diff --cached -U0` (which
lines were added), ONE `git cat-file --batch` for every changed .py blob (read from the
index as `:path`), then one `ast.parse` and one `ast.walk` per file.

push: for every `<old> <new> <ref>` line, `git log -p -U0 old..new` (every commit's patch,
which is what a per-commit check must at least read) and one `ast.parse` of every touched
.py path as it is at `new` (read with ONE `git cat-file --batch`). With `--cc`, merges
are read too, as combined diffs (`git log -p -U0 --cc`): the floor of a merge-heavy push
(`push_scale.py`), whose merges a server must judge.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys

# `@@ -a,b +c,d @@`, or a combined diff's `@@@ -a,b -c,d +e,f @@@` (`--cc`: merges)
HUNK = re.compile(rb"^@@@* (?:-\d+(?:,\d+)? )+\+(\d+)(?:,(\d+))? @@", re.MULTILINE)
ZERO = "0" * 40


def git(*args: str) -> bytes:
    return subprocess.run(["git", *args], capture_output=True, check=True).stdout


def read_blobs(names: list[bytes]) -> list[bytes | None]:
    """Read many objects with one `git cat-file --batch`; None for a missing one."""
    if not names:
        return []
    out = subprocess.run(
        ["git", "cat-file", "--batch"],
        input=b"\n".join(names) + b"\n",
        capture_output=True,
        check=True,
    ).stdout
    blobs: list[bytes | None] = []
    position = 0
    for _ in names:
        end = out.index(b"\n", position)
        header = out[position:end].split()
        if header[-1] == b"missing":
            blobs.append(None)
            position = end + 1
            continue
        size = int(header[2])
        blobs.append(out[end + 1 : end + 1 + size])
        position = end + 1 + size + 1
    return blobs


def added_lines(patch: bytes) -> dict[bytes, set[int]]:
    """Added line numbers per new path from a `-U0` patch."""
    lines: dict[bytes, set[int]] = {}
    current: set[int] = set()
    for piece in patch.split(b"\n+++ ")[1:]:
        name, _, rest = piece.partition(b"\n")
        current = lines.setdefault(name[2:] if name.startswith(b"b/") else name, set())
        for match in HUNK.finditer(rest):
            start, count = int(match[1]), int(match[2] or 1)
            current.update(range(start, start + count))
    return lines


def check(blobs: list[bytes | None], *, walk: bool) -> int:
    """Parse (and walk) every blob; return the number of AST nodes seen (or files parsed)."""
    seen = 0
    for data in blobs:
        if data is None:
            continue
        try:
            tree = ast.parse(data)
        except (SyntaxError, ValueError):
            continue
        seen += sum(1 for _ in ast.walk(tree)) if walk else 1
    return seen


def staged() -> tuple[int, int]:
    fields = git("diff", "--cached", "--name-status", "-z").split(b"\0")
    paths: list[bytes] = []
    index = 0
    while index < len(fields) - 1:
        status = fields[index]
        names = 2 if status[:1] in (b"R", b"C") else 1
        path = fields[index + names]
        index += names + 1
        if status != b"D" and path.endswith(b".py"):
            paths.append(path)
    lines = added_lines(git("diff", "--cached", "-U0"))
    nodes = check(read_blobs([b":" + p for p in paths]), walk=True)
    return nodes, sum(len(lines.get(p, ())) for p in paths)


def push(stdin: bytes) -> tuple[int, int]:
    total = added = 0
    for line in stdin.splitlines():
        old, new, _ref = line.decode().split()
        if new == ZERO:
            continue
        spec = new if old == ZERO else f"{old}..{new}"
        cc = ["--cc"] if "--cc" in sys.argv else []  # merges too, as a combined diff
        patch = git("log", "-p", "-U0", *cc, "--format=%H", spec)
        lines = added_lines(patch)
        touched = [p for p in lines if p.endswith(b".py")]
        added += sum(len(lines[p]) for p in touched)
        names = [new.encode() + b":" + p for p in touched]
        total += check(read_blobs(names), walk="--walk" in sys.argv)
    return total, added


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "staged"
    nodes, added = staged() if mode == "staged" else push(sys.stdin.buffer.read())
    sys.stdout.write(f"{nodes} nodes (or files), {added} added lines\n")


if __name__ == "__main__":
    main()
