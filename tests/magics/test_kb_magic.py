"""%%owui chat --kb and %owui kb in a real IPython shell against a real Open WebUI."""

from __future__ import annotations

import json
import uuid

import pandas as pd
import pytest

from owui_notebook.client import validate_history


@pytest.fixture
def handbook(client, tmp_path):
    """A knowledge base whose one file knows the office wifi password."""
    name = f"Handbook {uuid.uuid4().hex[:6]}"
    (tmp_path / "wifi.md").write_text("The office wifi password is <b>teal-owl-19</b>.")
    (tmp_path / "holidays.md").write_text("Holidays: twenty five days every year.")
    kb = client.knowledge.create_many({name: [tmp_path / "wifi.md", tmp_path / "holidays.md"]})
    yield kb[name]
    client.knowledge.delete(kb[name])


def test_chat_with_a_knowledge_base_shows_and_saves_its_sources(
    connected, client, provider, handbook
):
    run = connected.run(
        f'%%owui chat --new -m alpha --kb "{handbook.name}"\nWhat is the wifi password?'
    )
    assert run.error is None, run.stderr
    sent = provider.answer_requests()[-1]
    assert "teal-owl-19" in json.dumps(sent["messages"])

    result = connected.ns["_owui"]
    assert result.sources and result.sources[0].file_names[0] == "wifi.md"
    final = run.html[-1]
    # Under the answer, escaped: the file and the knowledge base it came from.
    assert f"sources: wifi.md ({handbook.name})" in final
    assert 'class="owui-sources"' in final
    record = client.chats.get(result.chat_id)
    assert validate_history(record.chat) == []
    assert record.messages[result.message_id]["sources"][0]["source"]["name"] == handbook.name


def test_unknown_kb_is_one_line_with_the_closest_names(connected, provider, handbook):
    before = len(provider.requests)
    typo = handbook.name.replace("Handbook", "Handbok")
    run = connected.run(f'%%owui chat --new -m alpha --kb "{typo}"\nhello')
    assert f"no knowledge base '{typo}'; did you mean '{handbook.name}'" in run.stderr
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert len(provider.requests) == before  # nothing was sent


def test_kb_listings(connected, handbook):
    frame = connected.run("%owui kb").value
    assert isinstance(frame, pd.DataFrame)
    row = frame.set_index("name").loc[handbook.name]
    assert row["file_count"] == 2 and sorted(row["files"]) == ["holidays.md", "wifi.md"]
    files = connected.run(f'%owui kb "{handbook.name}"').value
    assert sorted(files["filename"]) == ["holidays.md", "wifi.md"]
    assert "--kb NAME" in connected.run("%owui help chat").stdout


def test_compare_with_a_knowledge_base_cites_it_in_every_column(connected, client, handbook):
    run = connected.run(
        f'%%owui compare -m alpha,beta --kb "{handbook.name}"\nWhat is the wifi password?'
    )
    assert run.error is None, run.stderr
    results = connected.ns["_owui"]
    assert [r.sources[0].file_names[0] for r in results] == ["wifi.md", "wifi.md"]
    assert run.html[-1].count(f"sources: wifi.md ({handbook.name})") == 2
    record = client.chats.get(results[0].chat_id)
    assert validate_history(record.chat) == []
    assert all(record.messages[r.message_id]["sources"] for r in results)
