"""Retrieval for real: the provider embeds, Open WebUI ranks chunks, the answer cites them."""

from __future__ import annotations

import json
import uuid

import pytest

from owui_notebook.client import ConfigurationError, NotFoundError, Source, validate_history
from owui_notebook.sandbox.provider import EMBEDDING_MODEL, embedding

FACTS = {
    "falcon.md": "Project Falcon launch code is 7731-amber.",
    "heron.md": "Project Heron budget is two million dollars.",
    "osprey.md": "Osprey team lunch happens on Thursdays at noon.",
    "kestrel.md": "Kestrel deployment region is eu-north.",
    "plover.md": "Plover mascot wears a green scarf.",
}
QUESTION = "What is the launch code of project Falcon?"


def make_projects(client, tmp_path):
    """A knowledge base of five one-line files; only falcon.md knows the launch code."""
    name = f"Projects {uuid.uuid4().hex[:8]}"
    folder = tmp_path / "projects"
    folder.mkdir()
    for filename, text in FACTS.items():
        (folder / filename).write_text(text)
    kb = client.knowledge.create_many({name: folder})[name]
    yield kb
    client.knowledge.delete(kb)


@pytest.fixture
def projects(client_any, tmp_path):
    """The knowledge base on every server version under test."""
    yield from make_projects(client_any, tmp_path)


@pytest.fixture
def newest_projects(client, tmp_path):
    """The knowledge base on the newest server only (the web UI test's)."""
    yield from make_projects(client, tmp_path)


def test_the_provider_embeds_deterministically():
    a, b = embedding("Falcon launch code"), embedding("falcon LAUNCH code!")
    assert a == b and abs(sum(x * x for x in a) - 1) < 1e-9

    def cosine(x, y):
        return sum(i * j for i, j in zip(embedding(x), embedding(y), strict=True))

    assert cosine(QUESTION, FACTS["falcon.md"]) > 0.5 > cosine(QUESTION, FACTS["plover.md"])


def test_answer_cites_the_one_file_that_holds_the_fact(client_any, provider_any, projects):
    provider_any.reset()
    chat = client_any.chat("alpha")
    result = chat.send(QUESTION, knowledge=[projects.name])

    # Retrieval ran for real: the server embedded the query through the provider...
    queries = [
        text
        for body in provider_any.embedding_requests
        for text in ([body["input"]] if isinstance(body["input"], str) else body["input"])
    ]
    assert QUESTION in queries
    assert all(body["model"] == EMBEDDING_MODEL for body in provider_any.embedding_requests)
    # ... and put the closest chunks, Falcon's first, into what the model received.
    sent = json.dumps(provider_any.answer_requests()[-1]["messages"])
    assert FACTS["falcon.md"] in sent
    # The server's top 3 of the 5 chunks: retrieval chose, the files were not all dumped in.
    assert sum(text in sent for text in FACTS.values()) == 3

    assert [s.name for s in result.sources] == [projects.name]
    source = result.sources[0]
    assert isinstance(source, Source) and source.kind == "collection"
    best = max(source.documents, key=lambda d: d.score or 0)
    assert (best.name, best.text) == ("falcon.md", FACTS["falcon.md"])
    assert source.file_names[0] == "falcon.md"

    record = client_any.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    answer = record.messages[result.message_id]
    assert answer["sources"] == [source.to_server()]  # as the web UI stores citations
    assert answer["sources"][0]["source"]["id"] == projects.id
    user = record.messages[result.parent_id]
    assert [(f["type"], f["id"]) for f in user["files"]] == [("collection", projects.id)]

    # The next turn asks without the knowledge base: no sources, and the tree stays valid.
    follow = chat.send("Thanks!")
    assert follow.sources == []
    assert validate_history(client_any.chats.get(result.chat_id).chat) == []


def test_an_attached_file_is_retrieved_and_cited(client, provider, tmp_path):
    path = tmp_path / "recipe.txt"
    path.write_text("The secret ingredient of the house curry is cardamom-7731.")
    result = client.chat("alpha").send("What is the secret ingredient?", files=[path])
    assert "cardamom-7731" in json.dumps(provider.answer_requests()[-1]["messages"])
    assert [s.name for s in result.sources] == ["recipe.txt"]
    assert result.sources[0].kind == "file"
    saved = client.chats.get(result.chat_id).messages[result.message_id]
    assert saved["sources"][0]["source"]["name"] == "recipe.txt"


async def test_async_chat_with_knowledge_by_object(aclient, provider, tmp_path):
    name = f"Async {uuid.uuid4().hex[:8]}"
    kb = await aclient.knowledge.create(name)
    try:
        (tmp_path / "moon.md").write_text("The moon base password is silver-42.")
        await aclient.knowledge.add_file(kb, tmp_path / "moon.md")
        async with aclient.chat("beta").stream(
            "What is the moon base password?", knowledge=kb
        ) as s:
            text = "".join([delta async for delta in s])
        assert text == s.result.content and s.result.sources[0].file_names == ["moon.md"]
        assert "silver-42" in json.dumps(provider.answer_requests()[-1]["messages"])
    finally:
        await aclient.knowledge.delete(kb)


def test_bad_attachments_fail_before_anything_is_sent(client, provider):
    before = len(provider.requests)
    with pytest.raises(NotFoundError, match="no knowledge base 'No Such KB'"):
        client.chat("alpha").send("hi", knowledge=["No Such KB"])
    with pytest.raises(ConfigurationError, match="no such file"):
        client.chat("alpha").send("hi", files=["/nonexistent/file.txt"])
    assert len(provider.requests) == before


async def test_chat_panel_lists_sources_under_answers_and_on_reopen(aclient, provider, tmp_path):
    from owui_notebook.widgets import ChatPanel

    name = f"Panel {uuid.uuid4().hex[:8]}"
    (tmp_path / "garden.md").write_text("The garden gate code is 5512-rose.")
    (tmp_path / "garage.md").write_text("Garage opens with the blue remote.")
    made = await aclient.knowledge.create_many({name: tmp_path})
    try:
        panel = ChatPanel("alpha", client=aclient, knowledge=[name])
        await panel.wait(timeout=30)
        panel.send("What is the garden gate code?")
        await panel.wait(timeout=30)
        answer = panel.transcript.children[-1].value
        assert f"sources: garden.md ({name})" in answer
        assert "5512-rose" in json.dumps(provider.answer_requests()[-1]["messages"])
        chat_id = panel.chat.id
        record = await aclient.chats.get(chat_id)
        assert validate_history(record.chat) == []
        assert "knowledge" not in record.chat.get("params", {})  # per request, not a setting
        await panel.aclose()

        reopened = ChatPanel(chat_id=chat_id, client=aclient)
        await reopened.wait(timeout=30)
        assert f"sources: garden.md ({name})" in reopened.transcript.children[-1].value
        await reopened.aclose()
    finally:
        await aclient.knowledge.delete(made[name])


def test_the_web_ui_shows_the_saved_citations(client, owui_sandbox, newest_projects):
    """The saved sources are what Open WebUI's own page lists under the answer."""
    from owui_notebook.testing.browser import dismiss_release_notes, playwright_or_skip, web_ui_chat

    _, expect = playwright_or_skip("the web UI citations test")
    result = client.chat("alpha").send(QUESTION, knowledge=[newest_projects.name])
    with web_ui_chat(owui_sandbox, result.chat_id, screenshot="web-ui-citations.png") as page:
        answer = page.locator(f"#message-{result.message_id}")
        expect(answer).to_contain_text("You said:", timeout=30_000)
        # The citations row: "3 Sources" (the server's top 3), which opens on the files the
        # passages came from.
        sources = answer.get_by_text("3 Sources")
        expect(sources).to_be_visible(timeout=30_000)
        dismiss_release_notes(page)
        sources.click()
        expect(answer).to_contain_text("falcon.md", timeout=10_000)
