"""Server tools and images in chats, against real Open WebUI servers (every release line)."""

from __future__ import annotations

import base64
import struct
import uuid

import pytest

from owui_notebook.client import ConfigurationError, NotFoundError
from owui_notebook.client.features import parse_version
from owui_notebook.sandbox.provider import FOLLOW_UPS
from tests.helpers.chats import saved
from tests.helpers.images import PNG, square_png
from tests.helpers.tools import CALCULATOR, workspace_tool


def selections(provider):
    """Open WebUI's tool-selection calls (its tools prompt as the system message)."""
    return [
        r
        for r in provider.requests
        if str(r["messages"][0].get("content", "")).startswith("Available Tools:")
    ]


# -- tools ----------------------------------------------------------------------------------


def test_tools_are_listed_and_fetched_with_their_functions(client_any, calculator):
    listed = {t.id: t for t in client_any.tools.list()}
    assert calculator.id in listed and listed[calculator.id].description == "Adds numbers"
    tool = client_any.tools.get(calculator.id)
    assert tool.functions == ["add", "capital"]
    assert "class Tools" in (tool.content or "")
    with pytest.raises(NotFoundError, match=calculator.id):
        client_any.tools.get("no_such_tool")


def test_chat_with_a_tool_runs_it_on_the_server_and_saves_its_use(
    client_any, provider_any, calculator
):
    chat = client_any.chat("alpha", tool_ids=[calculator.id])
    result = chat.send("Please add a=2 b=40 for me")

    # The model chose the tool through the server's tool-selection prompt ...
    (selection,) = selections(provider_any)
    assert '"name":"add"' in selection["messages"][0]["content"].replace(" ", "")
    # ... the server ran it, and the answering model got its result as context.
    # (0.6.15 names a tool's source "TOOL:<id>/<function>"; 0.6.43 and later drop "TOOL:".)
    name = f"{calculator.id}/add"
    shown = name if parse_version(client_any.version()) >= (0, 6, 43) else f"TOOL:{name}"
    # (0.12 puts the context into the user message, 0.6 into a system message.)
    answering = provider_any.answer_requests()[-1]
    context = "\n".join(str(m["content"]) for m in answering["messages"])
    assert f'name="{shown}">2 + 40 = 42</source>' in context
    assert "Please add a=2 b=40 for me" in context
    # The provider quotes its context with the citation mark the server's template asks for.
    assert result.content == (
        "alpha says: turn 1. You said: Please add a=2 b=40 for me. "
        "From the context: 2 + 40 = 42 [1]."
    )

    # The result and the saved answer carry the tool's use, as the web UI stores it.
    (source,) = result.sources
    assert source.name == shown and source.document == ["2 + 40 = 42"]
    assert source.metadata[0]["parameters"] == {"a": 2, "b": 40}
    assert result.tool_calls == [
        {"name": name, "parameters": {"a": 2, "b": 40}, "result": "2 + 40 = 42"}
    ]
    record = saved(client_any, chat.id)
    answer = record.messages[result.message_id]
    assert answer["sources"] == [source.to_server()]
    assert answer["sources"][0]["document"] == ["2 + 40 = 42"]
    # The saved user message holds the prompt as typed, not the server's context template.
    assert record.messages[result.parent_id]["content"] == "Please add a=2 b=40 for me"


def test_tool_ids_per_call_override_the_chat_and_can_be_off(client_any, provider_any, calculator):
    chat = client_any.chat("alpha")
    plain = chat.send("add a=1 b=1")
    assert plain.sources == [] and selections(provider_any) == []
    looked_up = chat.send('capital of country="Peru"?', tool_ids=calculator.id)
    assert looked_up.tool_calls[0]["result"] == "Lima"
    assert looked_up.tool_calls[0]["parameters"] == {"country": "Peru"}
    # A query that names no function: the server asks, nothing runs, the answer is plain.
    none = chat.send("hello there", tool_ids=[calculator.id])
    assert none.sources == [] and len(selections(provider_any)) == 2
    record = saved(client_any, chat.id)
    assert (
        "sources" not in record.messages[plain.message_id]
        or not (record.messages[plain.message_id]["sources"])
    )


def test_bad_tool_ids_are_one_clear_line(client_any):
    chat = client_any.chat("alpha")
    with pytest.raises(ConfigurationError, match="tool_ids"):
        chat.stream("hi", tool_ids=[3])


def test_unknown_tool_ids_are_refused_before_anything_is_sent(client_any, provider_any, calculator):
    # The server ignores a tool id it does not know: a typo would be a tool that never runs.
    chats_before = {c.id for c in client_any.chats.list()}
    chat = client_any.chat("alpha", tool_ids=[calculator.id, "no-such-tool-xyz"])
    with pytest.raises(NotFoundError, match=rf"no-such-tool-xyz: no such tool.*{calculator.id}"):
        chat.send("hello")
    with pytest.raises(NotFoundError, match="calculatr"):
        client_any.chat("alpha").send("hello", tool_ids="calculatr")
    assert not provider_any.requests and chat.id is None
    assert {c.id for c in client_any.chats.list()} == chats_before


# -- images ---------------------------------------------------------------------------------


def test_image_is_sent_as_the_web_ui_sends_it_and_saved_so_it_shows(
    client_any, provider_any, tmp_path
):
    path = tmp_path / "dot.png"
    path.write_bytes(PNG)
    chat = client_any.chat("alpha")
    result = chat.send("What is in this picture?", images=[path, PNG])
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()

    sent = provider_any.answer_requests()[-1]["messages"][-1]["content"]
    assert sent == [
        {"type": "text", "text": "What is in this picture?"},
        {"type": "image_url", "image_url": {"url": data_url}},
        {"type": "image_url", "image_url": {"url": data_url}},
    ]
    assert result.content == "alpha says: turn 1. You said: What is in this picture? [2 images]."
    record = saved(client_any, chat.id)
    user = record.messages[result.parent_id]
    assert user["content"] == "What is in this picture?"
    assert user["files"] == [
        {"type": "image", "url": data_url, "name": "dot.png"},
        {"type": "image", "url": data_url, "name": "image.png"},
    ]
    # The next turn shows the model the earlier images again, as the web UI does.
    chat.send("And now?")
    history = provider_any.answer_requests()[-1]["messages"]
    assert [type(m["content"]).__name__ for m in history] == ["list", "str", "str"]


def test_figure_and_pil_like_objects_are_saved_as_png(client_any, provider_any):
    class Figure:  # duck-typed: what matplotlib's Figure offers
        def savefig(self, buffer, format, bbox_inches):
            assert format == "png"
            buffer.write(PNG)

    result = client_any.chat("alpha").send("Describe the plot", images=Figure())
    part = provider_any.answer_requests()[-1]["messages"][-1]["content"][1]
    assert part["image_url"]["url"].startswith("data:image/png;base64,iVBOR")
    assert result.content.endswith("[1 image].")


def test_real_matplotlib_figure_and_pil_image(client, provider):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    pyplot = pytest.importorskip("matplotlib.pyplot")
    pil = pytest.importorskip("PIL.Image")
    figure, axes = pyplot.subplots(figsize=(2, 2))
    axes.plot([1, 3, 2])
    cmyk = pil.new("CMYK", (40, 30))  # not PNG-able as is: converted
    try:
        result = client.chat("alpha").send("Compare these", images=[figure, cmyk])
    finally:
        pyplot.close(figure)
    parts = provider.answer_requests()[-1]["messages"][-1]["content"][1:]
    decoded = [base64.b64decode(p["image_url"]["url"].split(",", 1)[1]) for p in parts]
    assert all(d.startswith(b"\x89PNG") for d in decoded)
    assert struct.unpack(">II", decoded[1][16:24]) == (40, 30)  # PNG width, height
    files = client.chats.get(result.chat_id).messages[result.parent_id]["files"]
    assert [f["name"] for f in files] == ["Figure.png", "Image.png"]


def test_bad_images_are_refused_before_anything_is_sent(client_any, provider_any, tmp_path):
    chat = client_any.chat("alpha")
    text = tmp_path / "notes.txt"
    text.write_text("not a picture")
    with pytest.raises(ConfigurationError, match="not a PNG, JPEG, GIF or WebP image"):
        chat.send("look", images=text)
    with pytest.raises(ConfigurationError, match="no image file"):
        chat.send("look", images=tmp_path / "missing.png")
    big = tmp_path / "big.png"
    big.write_bytes(PNG + b"\0" * (11 * 1024 * 1024))
    with pytest.raises(ConfigurationError, match="over the 10 MB limit"):
        chat.send("look", images=big)
    with pytest.raises(ConfigurationError, match="cannot send a dict as an image"):
        chat.send("look", images={"not": "an image"})
    assert provider_any.answer_requests() == [] and chat.id is None


def test_web_ui_shows_the_image_the_tool_use_and_the_follow_ups(client, owui_sandbox):
    """Open WebUI 0.12.4's own page, in a real browser, shows what the engine saved."""
    from owui_notebook.testing.browser import dismiss_release_notes, playwright_or_skip, web_ui_chat

    _, expect = playwright_or_skip("the web UI test")
    with workspace_tool(client, "calc", CALCULATOR, "Adds numbers") as tool:
        tool_id = tool.id
        chat = client.chat("alpha", title="Image, tool and follow-ups", tool_ids=[tool_id])
        result = chat.send("Please add a=2 b=40 to this", images=square_png(), follow_ups=True)
    with web_ui_chat(owui_sandbox, chat.id, screenshot="web-ui-extras.png") as page:
        user = page.locator(f"#message-{result.parent_id}")
        user.wait_for(state="attached", timeout=30_000)
        dismiss_release_notes(page)
        image = user.locator('img[src^="data:image/png;base64,"]')
        expect(image).to_be_visible(timeout=30_000)
        answer = page.locator(f"#message-{result.message_id}")
        # The answer's citation mark links the tool's result; the answer lists it.
        expect(answer).to_contain_text("From the context: 2 + 40 = 42", timeout=30_000)
        expect(answer).to_contain_text(f"{tool_id}/add")
        for question in FOLLOW_UPS:
            expect(page.get_by_text(question, exact=True)).to_be_visible()


async def test_chat_panel_shows_tool_calls_live_and_on_reopen(aclient):
    import asyncio

    from owui_notebook.widgets import ChatPanel

    tool_id = f"calc_{uuid.uuid4().hex[:8]}"
    await aclient.tools.create(tool_id, CALCULATOR)
    line = f"🔧 {tool_id}/capital(country=&#x27;France&#x27;) → Paris"
    try:
        panel = ChatPanel("alpha", client=aclient, tool_ids=[tool_id], follow_ups=False)
        await panel.wait(timeout=30)
        panel.send('capital of country="France"')
        await panel.wait(timeout=30)
        answer = panel.transcript.children[-1].value
        assert line in answer and "sources:" not in answer
        reopened = ChatPanel(chat_id=panel.chat.id, client=aclient)
        for _ in range(2000):
            if reopened.chat is not None:
                break
            await asyncio.sleep(0.01)
        await reopened.wait(timeout=30)
        assert line in reopened.transcript.children[-1].value
        await panel.aclose()
        await reopened.aclose()
    finally:
        await aclient.tools.delete(tool_id)
