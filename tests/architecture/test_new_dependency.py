"""new-dependency: undeclared third-party imports, and lines added to dependency lists."""

from __future__ import annotations

import pytest

from tests.architecture.support import located, make_policy, run
from tests.conftest import GitRepo

POLICY = make_policy(("new-dependency",))
CODE = "app/client.py"


def start(repo: GitRepo, manifests: dict[str, str] | None = None) -> None:
    repo.write("app/__init__.py", "")
    repo.write("app/util.py", "X = 1\n")
    repo.write(CODE, "import json\n")
    for path, text in (manifests or {}).items():
        repo.write(path, text)
    repo.commit("base")


def add_import(repo: GitRepo, line: str, message: str = "use a library") -> None:
    repo.write(CODE, "import json\n" + line + "\n")
    repo.commit(message)


def test_undeclared_third_party_import(repo: GitRepo) -> None:
    start(repo)
    add_import(repo, "import requests.adapters")
    findings = run(repo, POLICY)
    assert located(findings, "new-dependency") == [(CODE, 2)]
    assert findings[0].code == "AG203"
    assert "`requests`" in findings[0].message
    assert "Dependency-Justification" in findings[0].fix


@pytest.mark.parametrize(
    "line",
    [
        "import asyncio, os.path",
        "from __future__ import annotations",
        "from app import util",
        "from . import util",
        "import app.util as u",
    ],
)
def test_standard_library_and_first_party_imports(repo: GitRepo, line: str) -> None:
    start(repo)
    add_import(repo, line)
    assert run(repo, POLICY) == []


def test_script_next_to_its_helper_module(repo: GitRepo) -> None:
    start(repo)
    repo.write("scripts/helpers.py", "X = 1\n")
    repo.write("scripts/run.py", "import helpers\n")
    repo.commit("a script")
    assert run(repo, POLICY) == []


PYPROJECT_PEP621 = """\
[project]
name = "demo"
dependencies = ["requests>=2.31", "PyYAML"]

[project.optional-dependencies]
images = ["Pillow ; python_version >= '3.12'"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]
"""
PYPROJECT_POETRY = """\
[tool.poetry.dependencies]
python = "^3.12"
requests = "^2.31"
PyYAML = "*"

[tool.poetry.group.images.dependencies]
pillow = "^10"

[tool.poetry.dev-dependencies]
pytest = "^8"
"""
PYPROJECT_PDM = """\
[project]
dependencies = ["requests", "pyyaml", "pillow"]

[tool.pdm.dev-dependencies]
test = ["pytest"]
"""
PYPROJECT_UV = """\
[project]
dependencies = ["requests", "pyyaml", "pillow"]

[tool.uv]
dev-dependencies = ["pytest"]
"""
REQUIREMENTS = "# runtime\nrequests==2.31.0  # http\npyyaml\n-r requirements-extra.txt\n"
REQUIREMENTS_EXTRA = "--index-url https://example.invalid/simple\nPillow>=10\n"
REQUIREMENTS_DEV = "-e git+https://example.invalid/pytest.git#egg=pytest\n"

MANIFESTS = {
    "pep621": {"pyproject.toml": PYPROJECT_PEP621},
    "poetry": {"pyproject.toml": PYPROJECT_POETRY},
    "pdm": {"pyproject.toml": PYPROJECT_PDM},
    "uv": {"pyproject.toml": PYPROJECT_UV},
    "requirements": {
        "requirements.txt": REQUIREMENTS,
        "requirements-extra.txt": REQUIREMENTS_EXTRA,
        "requirements/dev.txt": REQUIREMENTS_DEV,
    },
    "nested-pyproject": {"services/api/pyproject.toml": PYPROJECT_PEP621},
}


@pytest.mark.parametrize("style", sorted(MANIFESTS))
@pytest.mark.parametrize(
    "line", ["import requests", "import yaml", "from PIL import Image", "import pytest"]
)
def test_declared_dependencies_in_every_supported_format(
    repo: GitRepo, style: str, line: str
) -> None:
    start(repo, MANIFESTS[style])
    add_import(repo, line)
    assert run(repo, POLICY) == []


def test_import_name_mapped_by_option(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "acme-sdk\n"})
    add_import(repo, "import acme")
    assert located(run(repo, POLICY), "new-dependency") == [(CODE, 2)]
    policy = make_policy(
        ("new-dependency",), options={"new-dependency": {"distributions": {"acme": "acme-sdk"}}}
    )
    assert run(repo, policy) == []


def test_ignored_names(repo: GitRepo) -> None:
    start(repo)
    add_import(repo, "import vendored_thing")
    policy = make_policy(
        ("new-dependency",), options={"new-dependency": {"ignore": ("vendored_thing",)}}
    )
    assert run(repo, policy) == []


def test_justification_trailer_on_the_commit(repo: GitRepo) -> None:
    start(repo)
    add_import(
        repo,
        "import httpx",
        "Add an async client\n\nDependency-Justification: httpx: urllib blocks the event loop\n",
    )
    assert run(repo, POLICY) == []


def test_justification_must_be_on_a_commit_of_the_range_that_touched_the_file(
    repo: GitRepo,
) -> None:
    start(repo)
    repo.write("notes.txt", "x\n")
    repo.commit("notes\n\nDependency-Justification: something else\n")
    add_import(repo, "import httpx")
    findings = run(repo, POLICY, "HEAD~2..HEAD")
    assert located(findings, "new-dependency") == [(CODE, 2)]


def test_staged_change_has_no_commit_message(repo: GitRepo) -> None:
    start(repo)
    repo.write(CODE, "import json\nimport httpx\n")
    repo.add()
    assert located(run(repo, POLICY, None), "new-dependency") == [(CODE, 2)]


def test_added_dependency_lines(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "requests==2.31.0\n", "pyproject.toml": PYPROJECT_PEP621})
    repo.write("requirements.txt", "requests==2.32.0\nhttpx>=0.27\n")
    repo.write(
        "pyproject.toml",
        PYPROJECT_PEP621.replace('"PyYAML"]', '"PyYAML",\n  "rich",\n]'),
    )
    repo.commit("more libraries")
    findings = run(repo, POLICY)
    assert located(findings, "new-dependency") == [("pyproject.toml", 4), ("requirements.txt", 2)]
    assert {dict(f.extra)["dependency"] for f in findings} == {"httpx", "rich"}


def test_without_the_old_blob_a_changed_line_counts_as_new(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "requests==2.31.0\n"})
    repo.write("requirements.txt", "requests==2.32.0\n")
    repo.commit("bump")
    assert run(repo, POLICY) == []
    assert located(run(repo, POLICY, with_objects=False), "new-dependency") == [
        ("requirements.txt", 1)
    ]


def test_added_dependency_line_with_justification(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "requests\n"})
    repo.write("requirements.txt", "requests\nhttpx\n")
    repo.commit("httpx\n\nDependency-Justification: async client\n")
    assert run(repo, POLICY) == []


def test_declaring_and_importing_in_one_change_reports_the_declaration(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "requests\n"})
    repo.write("requirements.txt", "requests\nhttpx\n")
    repo.write(CODE, "import json\nimport httpx\n")
    repo.commit("use httpx")
    assert located(run(repo, POLICY), "new-dependency") == [("requirements.txt", 2)]
