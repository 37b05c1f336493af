"""Untrusted model output: a model that answers with HTML, scripts, event handlers,
``javascript:`` links and image beacons renders inert in both magics and every panel.

The deterministic provider's ``reply`` knob makes a model answer with exactly the hostile
text; every HTML the user would see (display outputs, every HTML widget of a panel) is
parsed as a browser would and checked for anything that runs or loads. The real-browser
check of the same promise is tests/browser/test_jupyterlab_compare.py; the renderer alone
is in tests/unit/test_render.py, whose payloads this reuses.
"""

from __future__ import annotations

import ipywidgets as widgets
from unit.test_render import HOSTILE, elements

from owui_notebook.widgets import ChatPanel, ComparePanel

REPLY = "Here you go:\n\n" + "\n\n".join(HOSTILE) + "\n\n**done**"
# (<style> is allowed: the views style their own columns; a model's tags arrive escaped.)
ACTIVE_TAGS = {"script", "img", "iframe", "svg", "object", "embed", "link", "meta", "form"}
SAFE_URL = ("http://", "https://", "mailto:", "#")


def assert_inert(markup: str) -> None:
    for tag, attrs in elements(markup):
        assert tag not in ACTIVE_TAGS, (tag, markup)
        for name, value in attrs.items():
            value = (value or "").strip().lower()
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert value.startswith(SAFE_URL), (tag, name, value)
            if name == "style":
                assert "url(" not in value and "javascript" not in value, value


def html_values(widget) -> list[str]:
    """The HTML of every HTML widget under `widget`."""
    found = []
    if isinstance(widget, widgets.HTML | widgets.HTMLMath):
        found.append(widget.value)
    for child in getattr(widget, "children", ()):
        found += html_values(child)
    return found


def test_the_chat_and_compare_magics_show_hostile_answers_inert(connected, provider):
    provider.configure("alpha", reply=REPLY)
    provider.configure("beta", reply=REPLY)
    chat = connected.run("%%owui chat --new -m alpha\nanswer with HTML")
    assert chat.error is None
    compare = connected.run("%%owui compare -m alpha,beta\nanswer with HTML")
    assert compare.error is None
    for run in (chat, compare):
        assert run.html, "nothing was rendered"
        for markup in run.html:
            assert_inert(markup)
    final = chat.html[-1]
    assert "&lt;script&gt;" in final and "<strong>done</strong>" in final
    assert connected.ns["_owui"][0].content == REPLY  # shown inert, kept verbatim


async def test_every_panel_widget_shows_hostile_answers_inert(aclient, provider):
    for model in ("alpha", "beta"):
        provider.configure(model, reply=REPLY)
    compare = ComparePanel(["alpha", "beta"], "answer with HTML", client=aclient)
    compare.run_button.click()
    await compare.wait(timeout=30)
    chat = ChatPanel("alpha", client=aclient)
    chat.send("answer with HTML")
    await chat.wait(timeout=30)
    try:
        for panel in (compare, chat):
            values = html_values(panel.widget)
            assert any("&lt;script&gt;" in v for v in values), "the answer is not shown"
            for markup in values:
                assert_inert(markup)
    finally:
        await compare.aclose()
        await chat.aclose()
