"""HTML for answers: one answer with its footer, or several side by side.

Everything that came from a model goes through `safe_html` (or `escape_pre` /
`sandboxed_iframe` for the text and html formats); everything else is escaped here.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from .markdown import escape_pre, safe_html, sandboxed_iframe
from .metrics import status_of, summary_line

if TYPE_CHECKING:
    from ..client.types import ChatResult, Source

FORMATS = ("markdown", "text", "code", "json", "html")

_MUTED = "color:#777;font-size:0.85em;margin-top:4px"
_ERROR = "color:#c62828"


def body_html(text: str, fmt: str = "markdown", *, final: bool = True) -> str:
    """An answer's text in the chosen format (markdown while streaming, whatever the format)."""
    if not final or fmt in ("markdown", "code", "json"):
        return safe_html(text)
    if fmt == "text":
        return escape_pre(text)
    if fmt == "html":
        return sandboxed_iframe(text)
    raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")


def footer_html(
    result: ChatResult | None,
    *,
    url: str | None = None,
    model: bool = False,
    chars: bool = False,
) -> str:
    """A muted line of figures, the answer's state and a link to the chat in the web UI.

    `chars` adds the answer's length to the figures (see `summary_line`).
    """
    parts = []
    if result is not None:
        if model:
            parts.append(html.escape(result.model))
        figures = summary_line(result, chars=chars)
        if figures:
            parts.append(figures)
        status = status_of(result)
        if status == "stopped":
            # With no text, nothing of this answer was saved (the turn may have been dropped);
            # a result carries its chat id only once the turn is saved.
            if not result.content:
                parts.append("⏹ stopped")
            elif result.chat_id:
                parts.append("⏹ stopped, partial answer saved")
            else:
                parts.append("⏹ stopped, partial answer not saved")
        elif status == "error":
            parts.append(f'<span style="{_ERROR}">{html.escape(result.error or "")}</span>')
    if url:
        parts.append(link_html(url, "open chat"))
    if not parts:
        return ""
    return f'<div style="{_MUTED}">{" · ".join(parts)}</div>'


def answer_html(
    text: str,
    *,
    fmt: str = "markdown",
    final: bool = True,
    result: ChatResult | None = None,
    url: str | None = None,
    chars: bool = False,
    sources: list[Source] | None = None,
) -> str:
    """One answer: its body (with a cursor while streaming) and, when done, its sources
    (`sources`, else the result's) and its footer."""
    body = body_html(text, fmt, final=final)
    if not final:
        body = with_cursor(body)
    footer = ""
    if final:
        cited = sources if sources is not None else (result.sources if result else [])
        # Tool results are shown as the calls they were, not as cited documents.
        footer = (
            tool_calls_html(cited)
            + sources_html([s for s in cited if not s.is_tool])
            + footer_html(result, url=url, chars=chars)
            + follow_ups_html(result)
        )
    return f'<div class="owui-answer">{body}{footer}</div>'


MAX_SOURCES_SHOWN = 8


def source_names(sources: list[Source]) -> list[str]:
    """``"file (knowledge base)"`` per cited file, the closest first, each once."""
    names: list[str] = []
    for source in sources:
        files = source.file_names
        for name in files:
            label = name if name == source.name or not source.name else f"{name} ({source.name})"
            if label not in names:
                names.append(label)
    return names


def sources_text(sources: list[Source]) -> str:
    """One plain line listing the cited files, or "" without sources."""
    names = source_names(sources)
    if not names:
        return ""
    shown = names[:MAX_SOURCES_SHOWN]
    more = len(names) - len(shown)
    return "sources: " + ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def sources_html(sources: list[Source]) -> str:
    """A muted line naming the answer's sources (citations); names are escaped."""
    text = sources_text(sources)
    if not text:
        return ""
    return f'<div class="owui-sources" style="{_MUTED}">📎 {html.escape(text)}</div>'


def tool_calls_text(sources: list[Source], limit: int = 120) -> list[str]:
    """One line per server tool that ran: ``name(a=2, b=40) → result`` (result shortened)."""
    from ..client.types import tool_calls_of

    lines = []
    for call in tool_calls_of(sources):
        args = ", ".join(f"{k}={v!r}" for k, v in call["parameters"].items())
        output = " ".join(str(call["result"]).split())
        if len(output) > limit:
            output = output[: limit - 1] + "…"
        lines.append(f"{call['name']}({args}) → {output}")
    return lines


def tool_calls_html(sources: list[Source]) -> str:
    """A muted line per tool call among `sources` (escaped: the arguments and results come
    from the model and the tool)."""
    return "".join(
        f'<div class="owui-tool-call" style="{_MUTED}">🔧 {html.escape(line)}</div>'
        for line in tool_calls_text(sources)
    )


def follow_ups_text(result: ChatResult | None) -> list[str]:
    return list(result.follow_ups) if result is not None else []


def follow_ups_html(result: ChatResult | None) -> str:
    """The suggested follow-up questions as a muted list (escaped: a model wrote them)."""
    items = follow_ups_text(result)
    if not items:
        return ""
    lis = "".join(f"<li>{html.escape(item)}</li>" for item in items)
    return (
        f'<div class="owui-follow-ups" style="{_MUTED}">Follow-ups:'
        f'<ul style="margin:2px 0 0 0">{lis}</ul></div>'
    )


_CURSOR = f'<span style="{_MUTED}">▌</span>'


def with_cursor(markup: str) -> str:
    """`markup` with the typing cursor at the end of its last line of text, not below it."""
    stripped = markup.rstrip()
    for closing in ("</p>", "</li>\n</ul>", "</li>\n</ol>", "</code></pre>"):
        if stripped.endswith(closing):
            return stripped[: -len(closing)] + _CURSOR + closing
    return stripped + _CURSOR


def columns_html(
    models: list[str],
    texts: list[str],
    *,
    results: list[ChatResult | None] | None = None,
    errors: list[str | None] | None = None,
    final: bool = False,
    url: str | None = None,
) -> str:
    """Answers side by side, one column per model, each with its own header and footer."""
    cols = []
    for i, model in enumerate(models):
        result = results[i] if results else None
        error = errors[i] if errors else None
        body = safe_html(texts[i]) if texts[i] else ""
        if not final and not (result or error):
            body = with_cursor(body)
        if error and not (result and result.error):
            body += f'<div style="{_ERROR}">{html.escape(error)}</div>'
        foot = ""
        if result is not None:
            cited = [s for s in result.sources if not s.is_tool]
            foot = sources_html(cited) + footer_html(result)
        cols.append(
            '<div style="flex:1 1 0;min-width:0;overflow-x:auto;border:1px solid #e0e0e0;'
            'border-radius:6px;padding:6px 10px">'
            f'<div style="font-weight:600;border-bottom:1px solid #eee;margin-bottom:4px">'
            f"{html.escape(model)}</div>{body}{foot}</div>"
        )
    link = footer_html(None, url=url) if final else ""
    return (
        '<div class="owui-compare" style="display:flex;gap:10px;align-items:flex-start">'
        f"{''.join(cols)}</div>{link}"
    )


def link_html(url: str, label: str) -> str:
    """A link that opens `url` in a new tab without a referrer; both are escaped."""
    href = html.escape(url, quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{html.escape(label)}</a>'


def error_html(message: str) -> str:
    """One red line (``message`` is escaped)."""
    return f'<div style="{_ERROR}">{html.escape(message)}</div>'
