"""Untrusted model output: a model that answers with HTML, scripts, event handlers,
``javascript:`` links and image beacons renders inert in both magics and every panel.

The deterministic provider's ``reply`` knob makes a model answer with exactly the hostile
text; every HTML the user would see (display outputs, every HTML widget of a panel) is
parsed as a browser would and checked for anything that runs or loads. The real-browser
check of the same promise is tests/browser/test_jupyterlab_compare.py; the renderer alone
is in tests/unit/test_render.py, with the same payloads (tests/helpers/html.py). Escape
sequences in answers are shown escaped in everything printed to a terminal
(``owui-notebook run``, terminal IPython).
"""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import ipywidgets as widgets
import nbformat

from owui_notebook.widgets import ChatPanel, ComparePanel
from tests.helpers.html import HOSTILE, elements

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


# What an answer can do to a terminal that prints it raw: retitle the window (OSC 0), clear
# the screen (CSI 2J), write the clipboard (OSC 52), and the same with C1's one-byte CSI.
ESCAPES = "\x1b]0;pwned\x07 \x1b[2J \x1b]52;c;Y3VybCBldmlsLmV4YW1wbGU=\x07 \x9b31m \x08\x7f"
TERMINAL_REPLY = f"Answer with {ESCAPES} and a\ttab\nsecond line"
RAW = ("\x1b", "\x07", "\x9b", "\x08", "\x7f")


def assert_terminal_safe(printed: str) -> None:
    assert not any(c in printed for c in RAW), repr(printed)
    assert "\\x1b]0;pwned\\x07" in printed and "\\x9b31m" in printed  # shown, escaped
    assert "a\ttab\n" in printed and "second line" in printed  # tabs and newlines kept


def test_owui_notebook_run_prints_escape_sequences_inert(owui_sandbox, provider, tmp_path):
    provider.configure("alpha", reply=TERMINAL_REPLY)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext owui_notebook"),
        nbformat.v4.new_code_cell("%%owui chat --new -m alpha\nanswer with escapes"),
        nbformat.v4.new_code_cell(f"# a hostile notebook source {ESCAPES}\nprint({ESCAPES!r})"),
    ]
    path = tmp_path / "escapes.ipynb"
    nbformat.write(nb, path)
    env = {**os.environ, "OWUI_URL": owui_sandbox.url, "OWUI_API_KEY": owui_sandbox.api_key}
    proc = subprocess.run(
        [sys.executable, "-m", "owui_notebook", "run", str(path), "--out", str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Answer with" in proc.stdout  # the answer's preview was printed
    assert_terminal_safe(proc.stdout)
    assert not any(c in proc.stderr for c in RAW)


def test_terminal_ipython_views_print_escape_sequences_inert(client, provider, capsys):
    from owui_notebook.render import AnswerDisplay, ComparisonDisplay
    from owui_notebook.render.task_view import TaskDisplay

    provider.configure("alpha", reply=TERMINAL_REPLY)
    result = client.chat("alpha").send("answer with escapes")
    assert result.content == TERMINAL_REPLY  # the real server passed the bytes on
    capsys.readouterr()

    answer = AnswerDisplay(rich=False)
    for k in range(0, len(result.content), 5):  # escape sequences split across deltas
        answer.feed(result.content[k : k + 5])
    answer.finish(result)
    assert_terminal_safe(capsys.readouterr().out)

    compare = ComparisonDisplay(["alpha", "beta"], rich=False)
    compare.start()
    compare.finish([result, result])
    assert_terminal_safe(capsys.readouterr().out)

    task = TaskDisplay("alpha", 3, rich=False)
    task.feed(SimpleNamespace(kind="final", answer=result.content))
    assert_terminal_safe(capsys.readouterr().out)
