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


# Issue 15: a library is new only when no manifest declares it and no file imported it.

SETUP_CFG = """\
[metadata]
name = shop

[options]
python_requires = >=3.9
install_requires =
    requests>=2
    PyYAML ; python_version >= "3.8"

[options.extras_require]
images = Pillow
"""
PIPFILE = """\
[[source]]
url = "https://example.invalid/simple"
name = "mirror"

[packages]
requests = "*"
pyyaml = {version = ">=6"}

[dev-packages]
pillow = "*"

[requires]
python_version = "3.11"
"""


@pytest.mark.parametrize(
    "manifests",
    [
        {"setup.cfg": SETUP_CFG},
        {"Pipfile": PIPFILE},
        # a requirements file that includes one whose name says nothing
        {"requirements.txt": "-r deps/base.in\n", "deps/base.in": "requests\nPyYAML\npillow\n"},
        {
            "requirements/prod.txt": "--requirement=../deps/common.in\n",
            "deps/common.in": "Pillow\nrequests\npyyaml\n",
        },
    ],
    ids=["setup.cfg", "Pipfile", "-r include", "--requirement= include"],
)
@pytest.mark.parametrize("line", ["import requests", "import yaml", "from PIL import Image"])
def test_more_manifest_formats(repo: GitRepo, manifests: dict[str, str], line: str) -> None:
    start(repo, manifests)
    add_import(repo, line)
    assert run(repo, POLICY) == []


def test_a_file_that_is_not_included_declares_nothing(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "flask\n", "deps/base.in": "requests\n"})
    add_import(repo, "import requests")
    assert located(run(repo, POLICY), "new-dependency") == [(CODE, 2)]


@pytest.mark.parametrize(
    ("line", "distribution"),
    [
        ("from stdnum import iban", "python-stdnum"),
        ("from dateutil import parser", "python-dateutil"),
        ("import jwt", "PyJWT"),
        ("from dotenv import load_dotenv", "python-dotenv"),
        ("from bs4 import BeautifulSoup", "beautifulsoup4"),
    ],
)
def test_import_names_that_differ_from_the_distribution(
    repo: GitRepo, line: str, distribution: str
) -> None:
    start(repo, {"pyproject.toml": f'[project]\ndependencies = ["{distribution}>=1"]\n'})
    add_import(repo, line)
    assert run(repo, POLICY) == []


def test_a_library_the_tree_already_imported_is_not_new(repo: GitRepo) -> None:
    start(repo)
    repo.write("app/views.py", "import markdown_it\n")  # undeclared, but an old import
    repo.commit("views")
    add_import(repo, "from markdown_it import MarkdownIt")
    assert run(repo, POLICY) == []


def test_the_old_version_of_a_changed_file_counts_as_before(repo: GitRepo) -> None:
    start(repo)
    repo.write(CODE, "import json\nimport markdown_it\n")
    repo.commit("render")
    repo.write(CODE, "import json\n")
    repo.write("app/render.py", "import markdown_it\n")  # moved to another module
    repo.commit("move the renderer")
    assert run(repo, POLICY) == []


def test_two_new_files_importing_a_new_library_are_both_new(repo: GitRepo) -> None:
    start(repo)
    repo.write("app/a.py", "import markdown_it\n")
    repo.write("app/b.py", "import markdown_it\n")
    repo.commit("two renderers")
    assert located(run(repo, POLICY), "new-dependency") == [("app/a.py", 1), ("app/b.py", 1)]


def options(requires: str) -> dict[str, dict[str, object]]:
    return {"new-dependency": {"requires_python": requires}}


@pytest.mark.parametrize("module", ["distutils.util", "imp", "asyncore", "telnetlib"])
def test_modules_removed_from_the_standard_library(repo: GitRepo, module: str) -> None:
    start(repo)
    add_import(repo, f"import {module}")
    old = make_policy(("new-dependency",), options=options(">=3.10"))
    assert run(repo, old) == []  # stdlib on the project's oldest Python
    assert run(repo, POLICY) == []  # requires-python unknown: stdlib for somebody
    new = make_policy(("new-dependency",), options=options(">=3.13"))
    assert located(run(repo, new), "new-dependency") == [(CODE, 2)]


def test_distutils_on_a_new_python_is_setuptools(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "setuptools\n"})
    add_import(repo, "from distutils.util import strtobool")
    assert run(repo, make_policy(("new-dependency",), options=options(">=3.12"))) == []


def test_a_manifest_line_declared_by_another_manifest_is_not_new(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "httpx\n", "pyproject.toml": PYPROJECT_PEP621})
    repo.write("pyproject.toml", PYPROJECT_PEP621.replace('"PyYAML"]', '"PyYAML", "httpx"]'))
    repo.commit("declare httpx in pyproject too")
    assert run(repo, POLICY) == []


def test_moving_a_dependency_between_manifests_is_not_new(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "requests\nhttpx\n", "pyproject.toml": PYPROJECT_PEP621})
    repo.write("requirements.txt", "requests\n")
    repo.write("pyproject.toml", PYPROJECT_PEP621.replace('"PyYAML"]', '"PyYAML", "httpx"]'))
    repo.commit("move httpx to pyproject")
    assert run(repo, POLICY) == []


def test_declaring_a_library_the_code_already_imported_is_not_new(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "requests\n"})
    repo.write("app/views.py", "import markdown_it\n")
    repo.commit("views")
    repo.write("requirements.txt", "requests\nmarkdown-it-py\n")
    repo.commit("declare it")
    # markdown_it's distribution is markdown-it-py: the import name does not say so
    assert located(run(repo, POLICY), "new-dependency") == [("requirements.txt", 2)]
    repo.write("requirements.txt", "requests\nmarkdown-it-py\nmarkdown_it\n")
    repo.commit("declare it by its import name")
    assert run(repo, POLICY) == []


def test_a_new_manifest_line_is_still_new_when_two_manifests_add_it(repo: GitRepo) -> None:
    start(repo, {"requirements.txt": "requests\n", "pyproject.toml": PYPROJECT_PEP621})
    repo.write("requirements.txt", "requests\nhttpx\n")
    repo.write("pyproject.toml", PYPROJECT_PEP621.replace('"PyYAML"]', '"PyYAML", "httpx"]'))
    repo.commit("httpx everywhere")
    assert located(run(repo, POLICY), "new-dependency") == [
        ("pyproject.toml", 3),
        ("requirements.txt", 2),
    ]
