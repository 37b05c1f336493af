import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skip(reason="enabled by the lead after the merge")
def test_the_package_type_checks_clean():
    # [tool.mypy] in pyproject.toml names the package and the strictness (strict on the
    # client core); run from the root so that configuration applies.
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
