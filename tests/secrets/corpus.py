"""The labelled secrets corpus: load it, and lay it out as files for a scanner to read.

`corpus.tsv` holds one record per line: `label<TAB>file<TAB>content`. A label is
`secret:<kind>` (a credential that must be found) or `clean:<why>` (a trap that must not
be). Records of the same file become that file's lines, in order, so a scanner sees each
line in a realistic file type and next to its neighbours (an AWS secret key next to its id,
a private key header above its body). Every credential in it is fake: random bodies in
the real formats. The test and `benchmarks/secrets_vs_detect_secrets.py` both use this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).with_name("corpus.tsv")


@dataclass(frozen=True, slots=True)
class Record:
    label: str
    path: str
    content: str

    @property
    def secret(self) -> bool:
        return self.label.startswith("secret:")


def load(corpus: Path = CORPUS) -> list[Record]:
    records = []
    for raw in corpus.read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        label, path, content = raw.split("\t", 2)
        records.append(Record(label, path, content))
    return records


def files(records: Sequence[Record]) -> dict[str, list[Record]]:
    """The records grouped by file, in corpus order (line n of a file = its n-th record)."""
    grouped: dict[str, list[Record]] = {}
    for record in records:
        grouped.setdefault(record.path, []).append(record)
    return grouped


def materialize(records: Sequence[Record], root: Path) -> dict[tuple[str, int], Record]:
    """Write the corpus files under `root`; return (path, 1-based line) -> its record."""
    where: dict[tuple[str, int], Record] = {}
    for path, rows in files(records).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(row.content + "\n" for row in rows), encoding="utf-8")
        where.update(((path, number), row) for number, row in enumerate(rows, 1))
    return where


@dataclass(frozen=True, slots=True)
class Score:
    secrets: int
    found: int
    false_positives: tuple[tuple[str, int], ...]
    missed: tuple[tuple[str, int], ...]
    flagged: int

    @property
    def recall(self) -> float:
        return self.found / self.secrets if self.secrets else 1.0

    @property
    def precision(self) -> float:
        return self.found / self.flagged if self.flagged else 1.0


def score(where: Mapping[tuple[str, int], Record], flagged: set[tuple[str, int]]) -> Score:
    """Line-level scoring: a line is found when a scanner reports anything on it."""
    secrets = {key for key, record in where.items() if record.secret}
    hits = flagged & where.keys()
    return Score(
        secrets=len(secrets),
        found=len(hits & secrets),
        false_positives=tuple(sorted(hits - secrets)),
        missed=tuple(sorted(secrets - hits)),
        flagged=len(hits),
    )
