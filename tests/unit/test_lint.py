import ast
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PATHS = ["owui_notebook", "tests", "bench", "scripts"]


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is installed by the test extra")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]])
def test_ruff_is_clean(command):
    proc = subprocess.run(["ruff", *command, *PATHS], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _imported_modules(tree: ast.Module) -> list[str]:
    """Every module an import names, dotted, relative ones with their leading dots."""
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            names.append(base)
            # `from . import test_x` names the module in the alias.
            names.extend(f"{base.rstrip('.')}.{alias.name}" for alias in node.names)
    return names


def test_no_test_module_imports_another_or_a_conftest():
    """Shared test code lives in tests/helpers: a test module or a conftest imported from
    elsewhere runs twice under two names and hides the helper where no one looks for it."""
    offenders = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for name in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
            last = name.rsplit(".", 1)[-1]
            if last.startswith("test_") or last == "conftest":
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == [], "\n".join(offenders)
