"""Markdown as HTML with raw HTML escaped: the one Markdown configuration (pure).

The client renders notes' HTML with it; ``render.markdown`` adds its link and image policy
on top for model output shown in the notebook.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def commonmark() -> Any:
    """A new markdown-it parser: CommonMark plus tables and strikethrough, raw HTML escaped.

    (markdown-it types its parser loosely; callers may add render rules to their own copy.)
    """
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        ["table", "strikethrough"]
    )


@lru_cache(maxsize=1)
def _plain() -> Any:
    return commonmark()


def note_html(markdown: str) -> str:
    """The HTML the web UI's editor shows for `markdown` (raw HTML in it is escaped)."""
    return str(_plain().render(markdown))


def note_data(markdown: str) -> dict[str, Any]:
    """A note body as the web UI stores an imported Markdown file."""
    return {"content": {"json": None, "html": note_html(markdown), "md": markdown}}
