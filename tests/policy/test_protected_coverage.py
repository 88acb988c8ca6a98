"""Issue 15, point 8: `models.py` in a rule means the module (a `models/` package too), where
the rule file's place puts it, and `agent-guard rules` shows the files each protected
pattern matches in the tree — loudly when it matches none.

Real repositories: the rule files, the trees and the staged changes are git's.
"""

from __future__ import annotations

import json

from tests.conftest import GitRepo

ESCALATE = "# Rules\n\n- You must escalate before modifying models.py or schemas.py.\n"


def _findings(repo: GitRepo) -> dict[str, str]:
    repo.add()
    done = repo.cli("diff", "--staged", "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return {
        f["path"]: f["message"]
        for f in json.loads(done.stdout)["findings"]
        if f["check"] == "protected-file"
    }


def _models_package(repo: GitRepo, base: str = "app") -> None:
    repo.write(f"{base}/__init__.py", "")
    repo.write(f"{base}/models/__init__.py", "from .user import User\n")
    repo.write(f"{base}/models/user.py", "class User: ...\n")
    repo.write(f"{base}/models/order.py", "class Order: ...\n")


def test_rules_lists_the_files_each_pattern_matches(repo: GitRepo) -> None:
    repo.write("AGENTS.md", ESCALATE)
    _models_package(repo)
    repo.write("app/services.py", "x = 1\n")
    repo.commit("app")
    done = repo.cli("rules")
    assert done.returncode == 0, done.stderr
    assert (
        "  **/models.py                   AGENTS.md:3\n"
        "      3 files: app/models/__init__.py, app/models/order.py, app/models/user.py\n"
        "  **/schemas.py                  AGENTS.md:3\n"
        "      MATCHES NOTHING in this tree: it protects no file yet\n"
    ) in done.stdout


def test_rules_json_adds_the_matches_and_keeps_every_field(repo: GitRepo) -> None:
    repo.write("AGENTS.md", ESCALATE)
    for index in range(7):
        repo.write(f"svc{index}/models.py", "")
    repo.commit("apps")
    done = repo.cli("rules", "--format", "json")
    assert done.returncode == 0, done.stderr
    models, schemas = json.loads(done.stdout)["protected"]
    assert models == {
        "pattern": "**/models.py",
        "rule": {"file": "AGENTS.md", "line": 3, "text": ESCALATE.splitlines()[-1][2:]},
        "match_count": 7,
        "matches": [f"svc{index}/models.py" for index in range(5)],
    }
    assert (schemas["match_count"], schemas["matches"]) == (0, [])


def test_untracked_files_count_ignored_ones_do_not(repo: GitRepo) -> None:
    repo.write("AGENTS.md", ESCALATE)
    repo.write(".gitignore", "build/\n")
    repo.write("build/lib/app/models.py", "")  # ignored: not the project's
    repo.write("app/models.py", "")  # untracked, not yet committed: what init sees
    document = json.loads(repo.cli("rules", "--format", "json").stdout)
    assert document["protected"][0]["matches"] == ["app/models.py"]


def test_every_file_of_a_models_package_needs_an_approver(repo: GitRepo) -> None:
    repo.write("AGENTS.md", ESCALATE)
    _models_package(repo)
    repo.commit("app")
    repo.write("app/models/user.py", "class User:\n    is_admin = True\n")
    repo.write("app/models/coupon.py", "class Coupon: ...\n")
    repo.write("app/models_helpers.py", "x = 1\n")  # another module
    repo.write("app/services.py", "x = 1\n")
    found = _findings(repo)
    assert set(found) == {"app/models/user.py", "app/models/coupon.py"}
    assert found["app/models/user.py"] == (
        "this change modifies app/models/user.py, which is in app/models/, the package form "
        "of the module protected by `**/models.py`: it needs an approver"
    )


def test_a_nested_rule_file_protects_its_own_folder(repo: GitRepo) -> None:
    """backend/AGENTS.md's "models.py" is the backend's models, not the worker's."""
    repo.write("backend/AGENTS.md", ESCALATE)
    _models_package(repo, "backend/app")
    repo.write("worker/models.py", "class Job: ...\n")
    repo.commit("apps")
    document = json.loads(repo.cli("rules", "--format", "json").stdout)
    assert [p["pattern"] for p in document["protected"]] == [
        "backend/**/models.py",
        "backend/**/schemas.py",
    ]
    assert document["protected"][0]["match_count"] == 3
    repo.write("backend/app/models/user.py", "class User:\n    is_admin = True\n")
    repo.write("worker/models.py", "class Job:\n    retries = 3\n")
    assert set(_findings(repo)) == {"backend/app/models/user.py"}


def test_an_anchored_path_in_a_nested_rule_file_stays_as_written(repo: GitRepo) -> None:
    repo.write("backend/AGENTS.md", "# Rules\n\n- Never modify `shared/models.py` by hand.\n")
    repo.write("shared/models.py", "")
    repo.commit("shared")
    document = json.loads(repo.cli("rules", "--format", "json").stdout)
    assert [(p["pattern"], p["match_count"]) for p in document["protected"]] == [
        ("shared/models.py", 1)
    ]


def test_the_config_exclude_narrows_what_is_listed_and_what_is_checked(repo: GitRepo) -> None:
    repo.write("AGENTS.md", ESCALATE)
    repo.write(".agent-guard.yaml", 'checks:\n  protected-file: {exclude: ["frontend/**"]}\n')
    _models_package(repo)
    repo.write("frontend/src/models/user.ts", "export {};\n")
    repo.commit("app")
    document = json.loads(repo.cli("rules", "--format", "json").stdout)
    assert "frontend/src/models/user.ts" not in document["protected"][0]["matches"]
    assert document["protected"][0]["match_count"] == 3
    repo.write("frontend/src/models/user.ts", "export const x = 1;\n")
    assert _findings(repo) == {}


def test_a_crafted_file_name_is_listed_escaped(repo: GitRepo) -> None:
    repo.write("AGENTS.md", ESCALATE)
    repo.write("app/models/\x1b[31mred\nfake.py", "")
    repo.commit("app")
    done = repo.cli("rules")
    assert "      1 file: app/models/\\x1b[31mred\\nfake.py\n" in done.stdout
    assert "\x1b" not in done.stdout
