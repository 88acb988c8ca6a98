"""The labelled corpus: every true secret found, at most two false positives."""

from __future__ import annotations

from agent_guard.checks.secret import ScanConfig, scan_text
from agent_guard.model import Severity
from agent_guard.policy.model import CheckSettings
from tests.secrets import corpus

# What the issue asks the check to find; each must have at least one labelled line.
REQUIRED_KINDS = {
    "aws-access-key-id",
    "aws-secret-access-key",
    "github-token",
    "github-fine-grained-token",
    "gitlab-token",
    "slack-token",
    "slack-webhook",
    "stripe-live-key",
    "google-api-key",
    "openai-key",
    "anthropic-key",
    "npm-token",
    "pypi-token",
    "sendgrid-key",
    "twilio-key",
    "private-key",
    "jwt",
    "url-password",
    "assignment",
}
# The traps the issue names; each must have at least one labelled line.
REQUIRED_TRAPS = {"env-read", "env-ref", "placeholder", "uuid", "lockfile", "digest", "fixture"}


def scan_corpus() -> tuple[corpus.Score, dict[tuple[str, int], str]]:
    records = corpus.load()
    flagged: dict[tuple[str, int], str] = {}
    config = ScanConfig.from_settings(CheckSettings("secret", Severity.ERROR))
    for path, rows in corpus.files(records).items():
        text = "".join(row.content + "\n" for row in rows)
        for hit in scan_text(path, text, None, config):
            flagged[(path, hit.line)] = hit.kind
    where = {
        (path, number): row
        for path, rows in corpus.files(records).items()
        for number, row in enumerate(rows, 1)
    }
    return corpus.score(where, set(flagged)), flagged


def test_corpus_is_big_enough_and_covers_every_kind_and_trap() -> None:
    records = corpus.load()
    assert len(records) >= 60
    labels = {record.label.split(":", 1)[1] for record in records}
    assert labels >= REQUIRED_KINDS
    assert labels >= REQUIRED_TRAPS
    assert sum(record.secret for record in records) >= 40
    assert sum(not record.secret for record in records) >= 40


def test_recall_is_complete_and_false_positives_at_most_two() -> None:
    score, _ = scan_corpus()
    assert score.missed == (), f"missed secrets: {score.missed}"
    assert score.recall == 1.0
    assert len(score.false_positives) <= 2, f"false positives: {score.false_positives}"


def test_each_secret_is_reported_as_its_own_kind() -> None:
    _, flagged = scan_corpus()
    records = corpus.load()
    for path, rows in corpus.files(records).items():
        for number, row in enumerate(rows, 1):
            if row.secret:
                assert flagged[(path, number)] == row.label.split(":", 1)[1], (path, number)
