"""What several test modules share: each helper once, here (no test module imports another,
nor a conftest; tests/unit/test_lint.py checks it)."""
