"""Model output as HTML that cannot run anything: Markdown rendered with raw HTML escaped.

Model output is untrusted. Outputs made during a session are trusted by Jupyter, so any
``<script>``, ``onerror=`` or ``javascript:`` link that reached the front end as HTML would
run. markdown-it (CommonMark) is run with raw HTML off, so every tag in the text arrives
escaped; links are limited to http(s) and mailto and open in a new tab without a referrer;
images are shown as links, never loaded, so an answer cannot plant a tracking beacon.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_FENCE = re.compile(r"^(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n(.*?)^\1[ \t]*$", re.M | re.S)


def _safe_link(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


@lru_cache(maxsize=1)
def _parser() -> Any:
    from ..client.markdown_html import commonmark

    md = commonmark()
    # markdown-it's documented hook for link policy is replacing this method.
    md.validateLink = _safe_link

    def link_open(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("target", "_blank")
        tokens[idx].attrSet("rel", "noopener noreferrer nofollow")
        return renderer.renderToken(tokens, idx, options, env)

    def image(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        alt = renderer.renderInlineAsText(token.children or [], options, env) or "image"
        src = token.attrGet("src") or ""
        label = f"[image: {html.escape(alt)}]"
        if not _safe_link(src):
            return label
        href = html.escape(src, quote=True)
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{label}</a>'

    md.add_render_rule("link_open", link_open)
    md.add_render_rule("image", image)
    return md


def safe_html(text: str) -> str:
    """Render Markdown `text` to HTML in which nothing from the text can execute."""
    return _parser().render(text)


def escape_pre(text: str) -> str:
    """`text` verbatim in a ``<pre>`` block (``--format text``)."""
    return f'<pre style="white-space:pre-wrap">{html.escape(text)}</pre>'


# No network at all from model-written HTML: a sandbox stops scripts, not fetches, and an
# image URL carrying data is enough to leak it. Styles only inline; forms and <base> inert.
NO_NETWORK_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'"
)
_CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{NO_NETWORK_CSP}">'
# A CSP cannot stop navigation: a model's <meta http-equiv="refresh"> would load a URL in
# the frame. Its <meta> tags are shown as text instead.
_META_TAG = re.compile(r"<(?=meta[\s/>])", re.I)


def sandboxed_iframe(markup: str, *, height: int = 320) -> str:
    """Show model-written HTML in an iframe with every sandbox restriction on.

    No ``allow-scripts`` and no ``allow-same-origin``: the markup is laid out and styled, but
    its scripts and event handlers never run and it cannot reach the notebook's page. Its
    Content-Security-Policy (first in the document, so it governs all that follows) lets it
    fetch nothing: no image, stylesheet, font, frame or beacon.
    """
    doc = html.escape(_CSP_META + _META_TAG.sub("&lt;", markup), quote=True)
    return (
        f'<iframe sandbox="" referrerpolicy="no-referrer" srcdoc="{doc}" '
        f'style="width:100%;height:{height}px;border:1px solid #ddd"></iframe>'
    )


def code_blocks(text: str, language: str | None = None) -> list[str]:
    """The fenced code blocks of a Markdown answer, in order (``language`` filters them)."""
    blocks = []
    for match in _FENCE.finditer(text):
        lang = match.group(2).lower()
        if language is None or lang in ("", language.lower()):
            blocks.append(match.group(3).rstrip("\n"))
    return blocks


def answer_code(text: str, language: str | None = "python") -> str:
    """The code in an answer: its fenced blocks joined, or the whole text when it has none."""
    blocks = code_blocks(text, language) or code_blocks(text)
    return "\n\n".join(blocks) if blocks else text.strip()


def answer_json(text: str) -> Any:
    """Parse an answer as JSON, taking it out of a code fence when the model added one."""
    import json

    blocks = code_blocks(text, "json")
    return json.loads(blocks[0] if blocks else text)


_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def inert_markdown(text: str) -> str:
    """Model output as Markdown for a renderer we do not control (JupyterLab's chat) that
    loads no image and parses no raw HTML: outside code, ``<`` becomes ``&lt;`` and an image
    ``![alt](url)`` a plain link. Code spans and fenced blocks are left as written (they
    render as text)."""
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines(keepends=True):
        opened = _FENCE_LINE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            out.append(line)
            continue
        if opened:
            fence = opened.group(1)
            out.append(line)
            continue
        # Pieces between pairs of backticks are code spans, left alone; an unpaired
        # backtick opens none, so what follows it is text.
        pieces = line.split("`")
        text_at = set(range(0, len(pieces), 2))
        if len(pieces) % 2 == 0:
            text_at.add(len(pieces) - 1)
        for i in text_at:
            pieces[i] = pieces[i].replace("<", "&lt;").replace("![", "[image: ")
        out.append("`".join(pieces))
    return "".join(out)
