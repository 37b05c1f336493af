"""The rest of the chats router, users paging, bulk knowledge and prompt calls, on every
release line: each call works, or says in one line which release it needs.

Each test signs in a brand-new user so that its listings hold only what it made.
"""

from __future__ import annotations

import contextlib
import uuid

import pytest

from owui_notebook.client import (
    Access,
    ConfigurationError,
    NotFoundError,
    PromptBatchError,
    UnsupportedFeatureError,
    repair_history,
    thread,
    validate_history,
)
from owui_notebook.client.features import parse_version
from owui_notebook.testing.bootstrap import signed_in_client


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def _older_than(client, version: str) -> bool:
    return parse_version(client.version()) < parse_version(version)


@pytest.fixture
def user(owui_sandbox_any):
    client = signed_in_client(owui_sandbox_any, prefix="router")
    yield client
    with contextlib.suppress(Exception):
        client.chats.delete_all()
    client.close()


def _chat(title: str) -> dict:
    return {
        "title": title,
        "models": ["alpha"],
        "history": {
            "messages": {
                "u": {
                    "id": "u",
                    "parentId": None,
                    "childrenIds": [],
                    "role": "user",
                    "content": title,
                    "timestamp": 1,
                },
            },
            "currentId": "u",
        },
        "messages": [],
    }


def test_archived_every_page_query_order_and_count(user):
    titles = [f"arch {i:02d}" for i in range(61)] + ["zeta special", "alpha special"]
    user.chats.import_chats([{"chat": _chat(t)} for t in titles])
    user.chats.archive_all()
    assert user.chats.archived_count() == 63
    assert len(user.chats.archived(page=1)) == 60
    every = user.chats.archived()
    assert len(every) == 63 and {c.title for c in every} == set(titles)
    found = user.chats.archived(query="special", order_by="title", direction="asc")
    assert [c.title for c in found] == ["alpha special", "zeta special"]
    found = user.chats.archived(query="special", order_by="title", direction="desc")
    assert [c.title for c in found] == ["zeta special", "alpha special"]


def test_admin_lists_another_users_chats(client_any, user):
    mine = user.chat("alpha", title=f"Owned {_tag()}")
    mine.send("hello")
    rows = client_any.chats.list_by_user(user.me().id)
    assert [r.id for r in rows] == [mine.id]
    assert client_any.chats.list_by_user(user.me().id, query="no-such-title-xyz") == []


def test_folder_listing(user):
    folder = user.folders.create(f"Folder {_tag()}")
    inside = user.chats.create(_chat("inside"), folder_id=folder.id)
    user.chats.create(_chat("outside"))
    assert [r.id for r in user.chats.folder_list(folder.id)] == [inside.id]
    assert [r.id for r in user.chats.folder_list(folder.id, page=1)] == [inside.id]


def test_continue_a_chat_by_title(user):
    title = f"Weekly notes {_tag()}"
    first = user.chat("alpha", title=title)
    first.send("one")
    again = user.chats.open(title.upper())  # any case, the newest of that title
    assert again.id == first.id
    again.send("two")
    record = user.chats.get(first.id)
    assert validate_history(record) == [] and len(record.messages) == 4
    assert user.chats.find(first.id).id == first.id  # an id works too
    with pytest.raises(NotFoundError, match="no chat with id or title 'nothing-like-it'"):
        user.chats.open("nothing-like-it")


def test_message_event_and_compaction(user):
    chat = user.chat("alpha", title="Events")
    result = chat.send("hello")
    assert user.chats.message_event(
        chat.id, result.message_id, "status", {"description": "checked", "done": True}
    )
    if _older_than(user, "0.10.0"):  # 0.9.6 has no /compact, 0.10.2 has it
        with pytest.raises(UnsupportedFeatureError, match=r"has no chat compaction.*0\.10\.2"):
            user.chats.compact(chat.id)
    else:
        outcome = user.chats.compact(chat.id)
        assert "compacted" in outcome
        assert validate_history(user.chats.get(chat.id)) == []


def test_share_clone_access_and_unshare_all(owui_sandbox_any, client_any, user):
    a = user.chat("alpha", title="Shared A")
    a.send("hello")
    b = user.chats.create(_chat("Shared B"))
    share_a = user.chats.share(a.id).share_id
    user.chats.share(b.id)

    cloned = user.chats.clone_shared(share_a)
    assert cloned.id != a.id and validate_history(cloned) == []
    assert cloned.title.endswith("Shared A")

    group = client_any.groups.create(f"Sharers {_tag()}", user_ids=[user.me().id])
    try:
        if _older_than(user, "0.9.0"):
            with pytest.raises(UnsupportedFeatureError, match="access control on shared chats"):
                user.chats.shared_access(a.id)
        else:
            stored = user.chats.set_shared_access(a.id, Access.to(groups=[group.name]))
            assert stored.read_groups == (group.id,)
            assert user.chats.shared_access(a.id).read_groups == (group.id,)
    finally:
        client_any.groups.delete(group.id)

    assert user.chats.unshare_all() is True
    assert not user.chats.get(a.id).share_id and not user.chats.get(b.id).share_id


def test_outlet_filters_run_over_a_finished_turn(user):
    chat = user.chat("alpha", title="Completed")
    result = chat.send("hello")
    record = user.chats.get(chat.id)
    messages = [{"id": m["id"], "role": m["role"], "content": m["content"]} for m in thread(record)]
    body = user.completions.completed(chat.id, result.message_id, "alpha", messages)
    assert [m["content"] for m in body["messages"]] == [m["content"] for m in messages]


def test_repair_takes_a_whole_saved_chat(user):
    broken = _chat("broken")
    broken["history"]["messages"]["a"] = {
        "id": "a",
        "parentId": None,
        "childrenIds": [],
        "role": "assistant",
        "content": "hi",
        "model": "alpha",
        "modelName": "alpha",
        "modelIdx": 0,
        "done": False,
    }
    broken["history"]["messages"]["u"]["childrenIds"] = ["a"]
    record = user.chats.create(broken)
    assert validate_history(record) != []
    repaired = repair_history(record)
    assert validate_history(repaired) == [] and repaired.id == record.id
    assert repaired.chat["history"]["messages"]["a"]["parentId"] == "u"
    as_dict = repair_history(record.model_dump())
    assert validate_history(as_dict) == [] and as_dict["id"] == record.id


def test_users_are_listed_a_page_at_a_time(client_any, user):
    email = user.me().email
    first = client_any.users.list(page=1)
    assert 1 <= len(first) <= 30
    assert [u.email for u in client_any.users.list(query=email)] == [email]
    everyone = client_any.users.list()
    assert len(client_any.users.list(order_by="created_at", direction="asc")) == len(everyone)
    with pytest.raises(ConfigurationError, match="pages start at 1"):
        client_any.users.list(page=0)


def test_delete_every_knowledge_base_needs_confirmation(owui_sandbox_any):
    admin = signed_in_client(owui_sandbox_any, role="admin", prefix="kb-admin")
    try:
        made = [admin.knowledge.create(f"KB {_tag()}") for _ in range(2)]
        with pytest.raises(ConfigurationError, match="confirm=True"):
            admin.knowledge.delete_all()
        assert {kb.id for kb in made} <= {kb.id for kb in admin.knowledge.list()}
        gone = admin.knowledge.delete_all(confirm=True)
        assert {kb.id for kb in made} <= {kb.id for kb in gone}
        assert admin.knowledge.list() == []
    finally:
        admin.close()


def test_prompt_batch_can_continue_past_errors(client_any):
    taken, fresh = f"taken-{_tag()}", f"fresh-{_tag()}"
    client_any.prompts.create(taken, "Already here.")
    try:
        with pytest.raises(PromptBatchError, match="2 of 3 prompts were not saved") as info:
            client_any.prompts.create_many(
                {taken: "again", fresh: "New.", "bad command!": "x"}, continue_on_error=True
            )
        assert [p.command for p in info.value.created] == [fresh]
        assert set(info.value.failed) == {taken, "bad command!"}
        assert client_any.prompts.get(fresh).content == "New."
        assert client_any.prompts.get(taken).content == "Already here."
    finally:
        for command in (taken, fresh):
            with contextlib.suppress(NotFoundError):
                client_any.prompts.delete(command)
