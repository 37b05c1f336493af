"""The render layer: nothing from a model can run, throttling, code and JSON extraction."""

from __future__ import annotations

import pytest

from owui_notebook.render import (
    Throttle,
    answer_code,
    answer_html,
    answer_json,
    code_blocks,
    columns_html,
    safe_html,
    sandboxed_iframe,
)
from tests.helpers.html import HOSTILE, elements


@pytest.mark.parametrize("payload", HOSTILE)
def test_model_output_cannot_run_or_load_anything(payload):
    # What a browser would build from the markup: only inert text elements and safe links.
    for tag, attrs in elements(safe_html(f"Before {payload} after")):
        assert tag in {"p", "a", "strong", "em", "code", "pre", "br"}, tag
        if tag == "a":
            assert set(attrs) <= {"href", "target", "rel"}
            assert (attrs["href"] or "").startswith(("https://", "http://", "mailto:"))
        else:
            assert attrs == {}


def test_markdown_still_renders():
    markup = safe_html("# T\n\n**b** `c` [ok](https://example.org)\n\n|a|b|\n|-|-|\n|1|2|")
    assert "<h1>T</h1>" in markup and "<strong>b</strong>" in markup and "<table>" in markup
    assert 'href="https://example.org"' in markup and 'rel="noopener noreferrer nofollow"' in markup


def test_images_become_links_never_loads():
    markup = safe_html("![chart](https://example.org/c.png)")
    assert "<img" not in markup and "[image: chart]" in markup
    assert 'href="https://example.org/c.png"' in markup


def test_html_format_is_a_sandboxed_iframe_without_scripts():
    frame = sandboxed_iframe("<b>hi</b><script>alert(1)</script>")
    assert frame.startswith('<iframe sandbox=""') and "<script" not in frame
    assert "allow-scripts" not in frame


def test_cursor_sits_at_the_end_of_the_text():
    live = answer_html("hello", final=False)
    assert live.index("▌") < live.index("</p>")
    assert "▌" not in answer_html("hello", final=True)


def test_columns_escape_model_names_and_text():
    markup = columns_html(["<b>m</b>"], ["<script>x</script>"])
    assert "&lt;b&gt;m&lt;/b&gt;" in markup and "<script>" not in markup


def test_code_and_json_extraction():
    text = "Intro\n\n```python\nx = 1\n```\n\nand\n\n~~~\ny = 2\n~~~\n\n```sql\nselect 1\n```"
    assert code_blocks(text) == ["x = 1", "y = 2", "select 1"]
    assert code_blocks(text, "python") == ["x = 1", "y = 2"]
    assert answer_code(text) == "x = 1\n\ny = 2"
    assert answer_code("no fences here ") == "no fences here"
    assert answer_json('```json\n{"a": [1]}\n```') == {"a": [1]}
    assert answer_json("[1, 2]") == [1, 2]
    with pytest.raises(ValueError):
        answer_json("not json")


def test_throttle_spaces_renders_and_grows_with_size():
    now = [0.0]
    throttle = Throttle(interval=0.1, bytes_per_second=1000, clock=lambda: now[0])
    assert throttle.due()
    throttle.sent(10)
    assert not throttle.due() and throttle.wait() == pytest.approx(0.1)
    now[0] = 0.1
    assert throttle.due()
    throttle.sent(500)  # half a second's worth of bytes
    now[0] = 0.3
    assert not throttle.due() and throttle.wait() == pytest.approx(0.3)
    assert throttle.renders == 2 and throttle.bytes_sent == 510


def test_terminal_safe_escapes_controls_and_keeps_newlines_and_tabs():
    from owui_notebook.render.terminal import terminal_safe

    text = "a\x1b]0;t\x07b\x1b[2Jc\x9b1m\x00\x7f\r\n\tz\rw"
    assert terminal_safe(text) == "a\\x1b]0;t\\x07b\\x1b[2Jc\\x9b1m\\x00\\x7f\n\tz\\x0dw"
    assert terminal_safe("plain ü ✓ 日本\n") == "plain ü ✓ 日本\n"


def test_html_format_frame_allows_no_network_and_no_model_meta():
    import html as html_lib
    import re

    from owui_notebook.render.markdown import NO_NETWORK_CSP, sandboxed_iframe

    frame = sandboxed_iframe('<META http-equiv="refresh" content="0;url=http://x"><b>hi</b>')
    doc = html_lib.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
    assert doc.startswith(f'<meta http-equiv="Content-Security-Policy" content="{NO_NETWORK_CSP}">')
    assert "default-src 'none'" in NO_NETWORK_CSP
    assert doc.count("<meta") == 1 and "&lt;META" in doc and "<b>hi</b>" in doc


def test_inert_markdown_loads_nothing_outside_code_and_keeps_code_as_written():
    from owui_notebook.render.markdown import inert_markdown

    hostile = (
        "see <img src=http://127.0.0.1:9/b onerror=alert(1)> and ![x](http://127.0.0.1:9/i)\n"
        "`a<b` stays, but an unpaired ` <iframe src=http://127.0.0.1:9/f> does not\n"
        "```html\n<b>kept</b> ![c](d)\n```\n"
        "after <script>alert(1)</script>\n"
    )
    out = inert_markdown(hostile)
    outside = out.replace("```html\n<b>kept</b> ![c](d)\n```\n", "")
    assert "<img" not in outside and "<iframe" not in outside and "<script" not in outside
    assert "![" not in outside and "[image: x](http://127.0.0.1:9/i)" in outside
    assert "`a<b`" in out and "```html\n<b>kept</b> ![c](d)\n```\n" in out
