"""``%%owui chat`` with --tool, --image, --follow-ups and --no-auto, and ``%owui tools``."""

from __future__ import annotations

import uuid

import pytest

from owui_notebook.sandbox.provider import FOLLOW_UPS, TAGS, task_kind
from tests.helpers.chats import saved
from tests.helpers.images import PNG


def test_tools_listing_and_a_chat_that_uses_one(connected, client, provider, facts):
    listing = connected.run("%owui tools")
    assert listing.error is None, listing.stderr
    row = listing.value.set_index("tool_id").loc[facts.id]
    assert row["description"] == "Knows a few fixed facts" and row["functions"] == ["capital"]

    run = connected.run(f'%%owui chat --new -m alpha --tool {facts.id}\ncapital of country="Peru"')
    assert run.error is None, run.stderr
    result = connected.ns["_owui"]
    assert result.tool_calls == [
        {"name": f"{facts.id}/capital", "parameters": {"country": "Peru"}, "result": "Lima"}
    ]
    # Under the answer: the call and its result, not a "source" line.
    final = run.html[-1]
    assert f"🔧 {facts.id}/capital(country=&#x27;Peru&#x27;) → Lima" in final
    assert "sources:" not in final
    assert ">Lima</source>" in str(provider.answer_requests()[-1]["messages"][-1]["content"])
    record = saved(client, result.chat_id)
    assert record.messages[result.message_id]["sources"][0]["document"] == ["Lima"]


def test_unknown_tool_is_one_line_naming_the_known_ones(connected, provider, facts):
    run = connected.run("%%owui chat --new -m alpha --tool nope\nhi")
    assert "--tool nope: no such tool on this server" in run.stderr and facts.id in run.stderr
    assert provider.answer_requests() == []


def test_image_from_a_variable_and_from_a_path(connected, client, provider, tmp_path):
    class Figure:  # what matplotlib's Figure offers
        def savefig(self, buffer, format, bbox_inches):
            buffer.write(PNG)

    connected.ns["fig"] = Figure()
    path = tmp_path / "photo.png"
    path.write_bytes(PNG)
    run = connected.run(f"%%owui chat --new -m alpha --image fig --image {path}\nWhat do you see?")
    assert run.error is None, run.stderr
    assert run.final_plain == "alpha says: turn 1. You said: What do you see? [2 images]."
    parts = provider.answer_requests()[-1]["messages"][-1]["content"]
    assert [p["type"] for p in parts] == ["text", "image_url", "image_url"]
    result = connected.ns["_owui"]
    files = saved(client, result.chat_id).messages[result.parent_id]["files"]
    assert [(f["type"], f["name"]) for f in files] == [("image", "fig.png"), ("image", "photo.png")]


def test_bad_images_are_one_line_and_send_nothing(connected, provider, tmp_path):
    connected.ns["numbers"] = [1, 2, 3]
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    cases = {
        "--image missing_thing": "--image missing_thing: no notebook variable or file",
        "--image numbers": "--image numbers: cannot send a list as an image",
        f"--image {text}": "is not a PNG, JPEG, GIF or WebP image",
    }
    for option, message in cases.items():
        run = connected.run(f"%%owui chat --new -m alpha {option}\nlook")
        assert message in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
    assert provider.answer_requests() == []


def test_follow_ups_under_the_answer_and_auto_tags(connected, client, provider):
    run = connected.run("%%owui chat --new -m alpha --follow-ups\nTell me about tries")
    assert run.error is None, run.stderr
    result = connected.ns["_owui"]
    assert result.follow_ups == FOLLOW_UPS
    final = run.html[-1]
    assert "Follow-ups:" in final
    assert all(f"<li>{q}</li>" in final for q in FOLLOW_UPS)
    record = saved(client, result.chat_id)
    assert record.messages[result.message_id]["followUps"] == FOLLOW_UPS
    # A new chat from a cell is titled and tagged by the server's tasks.
    assert record.title == "Tell me about tries"
    assert {t.casefold() for t in record.tags} == {t.casefold() for t in TAGS}


def test_no_auto_leaves_title_and_tags_alone(connected, client, provider):
    run = connected.run("%%owui chat --new -m alpha --no-auto\nKeep this one plain please")
    assert run.error is None, run.stderr
    record = saved(client, connected.ns["_owui"].chat_id)
    assert record.tags == [] and record.title == "Keep this one plain please"
    kinds = {task_kind(r["messages"]) for r in provider.requests}
    assert "tags" not in kinds and "title" not in kinds


@pytest.fixture
def weather_server(client, owui_tool_server):
    """A real OpenAPI tool server connected to the newest server (removed afterwards)."""
    conn = client.tool_servers.add(
        owui_tool_server.url, id=f"weather-{uuid.uuid4().hex[:6]}", key="tool-key"
    )
    owui_tool_server.clear()
    yield conn
    client.tool_servers.remove(conn.id)


def test_tool_servers_are_listed_and_usable_with_tool(
    connected, client, provider, owui_tool_server, weather_server, facts
):
    listing = connected.run("%owui tools")
    assert listing.error is None, listing.stderr
    rows = listing.value.set_index("tool_id")
    server = rows.loc[weather_server.tool_id]
    assert server["kind"] == "tool server" and server["name"] == "Weather and rates"
    assert server["functions"] == ["weather", "convert"]
    # Not the server's filler (its own id as owner, the listing's time as its dates).
    assert server[["user_id", "created_at", "updated_at"]].isna().all()
    workspace = rows.loc[facts.id]
    assert workspace["kind"] == "workspace" and workspace["user_id"] == client.me().id

    tool = weather_server.tool_id
    run = connected.run(f'%%owui chat --new -m alpha --tool {tool}\nweather in city="Paris"?')
    assert run.error is None, run.stderr
    (call,) = owui_tool_server.calls("weather")
    assert call.query == {"city": "Paris"}
    result = connected.ns["_owui"]
    assert result.tool_calls[0]["parameters"] == {"city": "Paris"}
    assert "🔧" in run.html[-1] and "Paris" in run.html[-1]
    saved(client, result.chat_id)
    # A server id the server does not list is one line naming the ones there are.
    typo = connected.run("%%owui chat --new -m alpha --tool server:nope\nhi")
    assert "--tool server:nope: no such tool" in typo.stderr and tool in typo.stderr
