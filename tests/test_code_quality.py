"""The code stays as readable as the style guide asks: strictly typed and lint-clean."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT


def test_the_package_type_checks_strictly() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_code_is_lint_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "minutebook", "tests", "bench", "build.py"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
