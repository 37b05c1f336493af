"""Workspace tools as a user would write them, and one place that adds and removes them.

Open WebUI builds each method's spec from its type hints and docstring.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

# `add` computes, `capital` looks a fixed fact up.
CALCULATOR = '''"""
title: Calculator
description: Adds numbers and knows a few capitals
"""


class Tools:
    def __init__(self):
        self.citation = True  # Open WebUI < 0.9 reports a tool's use only with this

    def add(self, a: int, b: int) -> str:
        """
        Add two whole numbers.
        :param a: the first number
        :param b: the second number
        """
        return f"{a} + {b} = {a + b}"

    def capital(self, country: str) -> str:
        """
        The capital city of a country.
        :param country: the country's English name
        """
        return {"France": "Paris", "Peru": "Lima"}.get(country, "unknown")
'''

# The server runs `add` when a prompt names it with its arguments.
ADDER = '''"""
title: Adder
description: Adds numbers
"""


class Tools:
    def add(self, a: int, b: int) -> str:
        """
        Add two whole numbers.
        :param a: the first number
        :param b: the second number
        """
        return f"{a} + {b} = {a + b}"
'''

FACTS = '''"""
title: Facts
description: Knows a few fixed facts
"""


class Tools:
    def __init__(self):
        pass

    def capital(self, country: str) -> str:
        """
        The capital city of a country.
        :param country: the country's English name
        """
        return {"France": "Paris", "Peru": "Lima"}.get(country, "unknown")
'''


@contextlib.contextmanager
def workspace_tool(client: Any, prefix: str, source: str, description: str) -> Iterator[Any]:
    """A tool made from `source` under a fresh id starting with `prefix`; deleted after."""
    tool_id = f"{prefix}_{uuid.uuid4().hex[:8]}"
    tool = client.tools.create(tool_id, source, description=description)
    try:
        yield tool
    finally:
        client.tools.delete(tool_id)
