"""Issue 13, point 8: private keys as `ssh-keygen` and `openssl` write them are found.

Every key is generated during the test, committed to a real repository and judged by
`agent-guard diff BASE..HEAD` (JSON). ssh-keygen's default format (OpenSSH, unencrypted)
was once taken for a placeholder: its body starts with runs of `A` (zero bytes).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SEED_RULE_FILE, GitRepo

PASS = "correct horse battery"

SSH_KEYGEN = [
    (f"ssh-{kind}-{fmt or 'openssh'}{'-enc' if enc else ''}", kind, fmt, enc)
    for kind in ("ed25519", "rsa", "ecdsa")
    for fmt in ("", "PEM", "PKCS8")
    for enc in (False, True)
    if not (kind == "ed25519" and fmt)  # ssh-keygen writes ed25519 keys in OpenSSH format only
]
OPENSSL = {
    "openssl-rsa-pkcs8": ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    "openssl-rsa-pkcs8-enc": [
        "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
        "-aes-256-cbc", "-pass", f"pass:{PASS}",
    ],
    "openssl-rsa-traditional": ["genrsa", "-traditional", "2048"],
    "openssl-rsa-traditional-enc": [
        "genrsa", "-traditional", "-aes128", "-passout", f"pass:{PASS}", "2048",
    ],
    "openssl-ec-sec1": ["ecparam", "-name", "prime256v1", "-genkey"],
    "openssl-ec-pkcs8-enc": [
        "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
        "-aes-256-cbc", "-pass", f"pass:{PASS}",
    ],
    "openssl-ed25519-pkcs8": ["genpkey", "-algorithm", "ed25519"],
}  # fmt: skip

needs_ssh_keygen = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="no ssh-keygen")
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl")


def ssh_key(tmp: Path, kind: str, fmt: str, encrypted: bool) -> str:
    out = tmp / "key"
    args = ["ssh-keygen", "-q", "-t", kind, "-N", PASS if encrypted else "", "-f", str(out)]
    subprocess.run([*args, *(["-m", fmt] if fmt else [])], check=True, capture_output=True)
    return out.read_text()


def openssl_key(args: list[str]) -> str:
    result = subprocess.run(["openssl", *args], check=True, capture_output=True, text=True)
    return result.stdout


def secrets_in(repo: GitRepo, base: str) -> list[dict[str, object]]:
    result = repo.cli("diff", f"{base}..HEAD", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    return [f for f in json.loads(result.stdout)["findings"] if f["check"] == "secret"]


def with_rules(repo: GitRepo) -> str:
    repo.write(".cursor/rules/agent.mdc", SEED_RULE_FILE.read_text(encoding="utf-8"))
    repo.write("README.md", "demo\n")
    return repo.commit("add the rules")


def assert_one_key(findings: list[dict[str, object]], path: str, key: str) -> None:
    keys = [f for f in findings if f["extra"]["kind"] == "private-key"]  # type: ignore[index]
    assert [f["path"] for f in keys] == [path], findings
    body = key.splitlines()[1]
    assert body not in json.dumps(findings)  # reports mask the material


@needs_ssh_keygen
@pytest.mark.parametrize(("name", "kind", "fmt", "encrypted"), SSH_KEYGEN, ids=str)
def test_ssh_keygen_keys_are_found(
    repo: GitRepo, tmp_path: Path, name: str, kind: str, fmt: str, encrypted: bool
) -> None:
    base = with_rules(repo)
    key = ssh_key(tmp_path, kind, fmt, encrypted)
    repo.write("deploy/access.txt", key)  # a name that says nothing: the content decides
    repo.commit(f"add {name}")
    assert_one_key(secrets_in(repo, base), "deploy/access.txt", key)


@needs_openssl
@pytest.mark.parametrize("name", sorted(OPENSSL))
def test_openssl_keys_are_found(repo: GitRepo, name: str) -> None:
    base = with_rules(repo)
    key = openssl_key(OPENSSL[name])
    repo.write("deploy/access.txt", key)
    repo.commit(f"add {name}")
    assert_one_key(secrets_in(repo, base), "deploy/access.txt", key)


@needs_ssh_keygen
def test_a_key_whose_header_is_all_a_commit_adds_is_found(repo: GitRepo, tmp_path: Path) -> None:
    """The body first (base64 like any other), the header in a later commit: one key."""
    key = ssh_key(tmp_path, "ed25519", "", False)
    header, *rest = key.splitlines(keepends=True)
    base = with_rules(repo)
    repo.write("notes/blob.txt", "".join(rest))
    repo.commit("add a blob")
    assert secrets_in(repo, base) == []
    repo.write("notes/blob.txt", header + "".join(rest))
    added = repo.commit("add a header line")
    [finding] = secrets_in(repo, base)
    assert (finding["path"], finding["line"], finding["commit"]) == ("notes/blob.txt", 1, added)


@needs_ssh_keygen
def test_a_key_body_added_under_an_existing_header_is_found(repo: GitRepo, tmp_path: Path) -> None:
    key = ssh_key(tmp_path, "rsa", "", False)
    header, *rest = key.splitlines(keepends=True)
    repo.write("notes/blob.txt", header)
    base = with_rules(repo)
    repo.write("notes/blob.txt", header + "".join(rest))
    added = repo.commit("fill in the body")
    [finding] = secrets_in(repo, base)
    assert (finding["path"], finding["line"], finding["commit"]) == ("notes/blob.txt", 1, added)


@needs_ssh_keygen
def test_public_keys_and_placeholders_stay_clean(repo: GitRepo, tmp_path: Path) -> None:
    base = with_rules(repo)
    ssh_key(tmp_path, "ed25519", "", False)
    repo.write("keys/deploy.pub", (tmp_path / "key.pub").read_text())
    repo.write(
        "docs/keys.md",
        "Paste your key:\n\n```\n-----BEGIN OPENSSH PRIVATE KEY-----\n"
        "b3BlbnNzaC1rZXktdjEAAAAA...\n-----END OPENSSH PRIVATE KEY-----\n```\n\n"
        "```\n-----BEGIN RSA PRIVATE KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
        "-----END RSA PRIVATE KEY-----\n```\n\n"
        "```\n-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----\n```\n",
    )
    repo.commit("document keys")
    assert secrets_in(repo, base) == []
