"""The stats export's rules the client applies where a server gets them wrong."""

from __future__ import annotations

from datetime import datetime

from owui_notebook.client.export_rules import drops_messages, export_record_of
from owui_notebook.frames import export_record
from owui_notebook.frames._chat_analytics import fill_periods
from owui_notebook.frames._digest import EXPORT_MESSAGE_KEYS
from tests.helpers.records import branched_chat


def test_a_rebuilt_record_is_the_servers_and_the_digests_shape():
    chat = branched_chat()
    rebuilt = export_record_of(chat)
    digest = export_record(chat)
    assert rebuilt["stats"] == digest["stats"]
    assert rebuilt["stats"]["history_user_message_count"] == 2
    messages = rebuilt["chat"]["history"]["messages"]
    assert set(messages) == set(digest["chat"]["history"]["messages"])
    for key, entry in messages.items():
        assert list(entry) == list(EXPORT_MESSAGE_KEYS) and entry["token_count"] is None
        full = digest["chat"]["history"]["messages"][key]
        assert {k: full[k] for k in entry if k != "token_count"} == {
            k: v for k, v in entry.items() if k != "token_count"
        }
    assert not drops_messages(rebuilt)


def test_a_record_missing_messages_is_seen():
    # What 0.9.6/0.10.2 send for a chat whose messages carry no annotation tags: the
    # messages and the per-role counts are gone, history_message_count is not.
    record = export_record_of(branched_chat())
    emptied = {
        **record,
        "stats": {**record["stats"], "history_user_message_count": 0},
        "chat": {"history": {"messages": {}, "currentId": "a3"}},
    }
    assert drops_messages(emptied)
    assert not drops_messages({"id": "x"}) and not drops_messages(None)


def test_the_last_day_of_a_range_is_listed_when_its_end_is_earlier_in_the_day():
    start = datetime(2026, 11, 30, 23, 30).timestamp()
    end = datetime(2026, 12, 1, 0, 30).timestamp()
    counts = fill_periods({"2026-11-30": {"alpha": 1}}, start, end, "daily")
    assert counts == {"2026-11-30": {"alpha": 1}, "2026-12-01": {}}
    hours = fill_periods({}, start, end, "hourly")
    assert sorted(hours) == ["2026-11-30 23:00", "2026-12-01 00:00"]
