"""The import contracts in pyproject.toml hold, and they bite: the same
check on a copy of the code with one deliberate upward import fails."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("whatanswers", "suggestions", "articles", "topics")


def lint(root):
    return subprocess.run(
        [str(LINT), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_of_the_code(tmp_path):
    for name in PACKAGES:
        shutil.copytree(
            ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_code_keeps_every_import_contract():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_upward_import_from_the_core_breaks_the_contract(tmp_path):
    root = copy_of_the_code(tmp_path)
    validators = root / "articles" / "core" / "validators.py"
    validators.write_text(
        validators.read_text() + "\nfrom articles.delivery import caching  # noqa\n"
    )
    result = lint(root)
    assert result.returncode == 1
    assert "articles: each concern above the content core" in result.stdout
    assert "articles.core.validators -> articles.delivery.caching" in result.stdout


def test_an_app_importing_the_project_breaks_the_contract(tmp_path):
    root = copy_of_the_code(tmp_path)
    views = root / "topics" / "views.py"
    upward = "\nfrom whatanswers import dashboard  # noqa\n"
    views.write_text(views.read_text() + upward)
    result = lint(root)
    assert result.returncode == 1
    assert "topics.views -> whatanswers.dashboard" in result.stdout
