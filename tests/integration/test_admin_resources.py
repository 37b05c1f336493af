"""Admin resources: custom models and their access, users, groups, bulk archive; on every
release line where the API differs, and refusals for a non-admin, with nothing half-done."""

from __future__ import annotations

import time
import uuid

import pytest

from owui_notebook.client import (
    Access,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    validate_history,
)
from owui_notebook.frames import custom_models_frame, groups_frame, users_frame
from owui_notebook.testing.bootstrap import signed_in_client


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_custom_model_lifecycle_on_every_version(client_any, delete_after, provider_any):
    model_id = _id("tutor")
    delete_after(client_any.models.delete, model_id)
    stored = client_any.models.create(
        model_id,
        "alpha",
        name="Tutor",
        system="You are a patient tutor.",
        params={"temperature": 0.2},
        description="made by a test",
    )
    assert stored["base_model_id"] == "alpha" and stored["name"] == "Tutor"
    assert stored["params"]["system"] == "You are a patient tutor."
    assert stored["params"]["temperature"] == 0.2
    assert stored["meta"]["description"] == "made by a test"
    assert stored["is_active"] is True
    assert Access.from_record(stored).kind == "private"
    assert model_id in {m["id"] for m in client_any.models.custom()}

    # The server applies the custom model's system prompt when it is chatted with.
    chat = client_any.chat(model_id)
    result = chat.send("Hello")
    assert result.ok and result.model == model_id
    sent = [r for r in provider_any.requests if r["messages"][-1].get("content") == "Hello"]
    assert sent[-1]["model"] == "alpha"
    assert sent[-1]["messages"][0] == {"role": "system", "content": "You are a patient tutor."}
    record = client_any.chats.get(chat.id)
    validate_history(record.chat["history"])
    client_any.chats.delete(chat.id)

    updated = client_any.models.update(
        model_id, system="Be brief.", params={"max_tokens": 50}, name="Tutor 2"
    )
    assert updated["params"] == {**updated["params"], "system": "Be brief.", "max_tokens": 50}
    assert updated["params"]["temperature"] == 0.2 and updated["name"] == "Tutor 2"
    assert Access.from_record(updated).kind == "private"  # an update keeps the access
    row = custom_models_frame(client_any).set_index("model").loc[model_id]
    assert (row["base_model"], row["system"], row["access"]) == ("alpha", "Be brief.", "private")
    assert row["params"]["max_tokens"] == 50 and row["active"]

    assert client_any.models.disable(model_id)["is_active"] is False
    assert client_any.models.disable(model_id)["is_active"] is False  # sets, not toggles
    still = client_any.models.update(model_id, description="changed while disabled")
    assert still["is_active"] is False  # an update does not re-enable
    assert client_any.models.enable(model_id)["is_active"] is True

    assert client_any.models.delete(model_id) is True
    assert model_id not in {m["id"] for m in client_any.models.custom()}
    with pytest.raises(NotFoundError):
        client_any.models.settings(model_id)


def test_model_access_by_ids_and_keyword_on_every_version(client_any, delete_after):
    word = uuid.uuid4().hex[:6]
    a, b, other = f"acc-{word}-a", f"acc-{word}-b", _id("acc-other")
    delete_after(client_any.models.delete, a, b, other)
    for model_id in (a, b, other):
        client_any.models.create(model_id, "alpha")
    group = client_any.groups.create(_id("readers"))
    try:
        changed = client_any.models.set_access("public", match=word)
        assert sorted(changed) == [a, b]
        assert Access.from_record(client_any.models.settings(a)).kind == "public"
        assert Access.from_record(client_any.models.settings(other)).kind == "private"

        shared = Access.to(groups=[group.id], users=[client_any.me().id])
        assert client_any.models.set_access(shared, ids=[a, other]) == [a, other]
        for model_id in (a, other):
            access = Access.from_record(client_any.models.settings(model_id))
            assert access.kind == "shared" and access.read_groups == (group.id,)
        assert Access.from_record(client_any.models.settings(b)).kind == "public"

        # An unknown id: nothing changes, not even the known ones.
        with pytest.raises(NotFoundError, match="nothing was changed"):
            client_any.models.set_access("private", ids=[b, "no-such-model-xyz"])
        assert Access.from_record(client_any.models.settings(b)).kind == "public"
        with pytest.raises(NotFoundError, match="no workspace model matches"):
            client_any.models.set_access("private", match="zzz-no-match-zzz")
        with pytest.raises(ConfigurationError):
            client_any.models.set_access("private", ids=[a], match=word)
    finally:
        client_any.groups.delete(group.id)


def test_a_user_may_not_manage_models_or_users(owui_sandbox, client, delete_after):
    model_id = _id("admins")
    delete_after(client.models.delete, model_id)
    client.models.create(model_id, "alpha", access="public")
    user = signed_in_client(owui_sandbox, prefix="no-admin")
    try:
        with pytest.raises(PermissionDeniedError, match="may not create workspace models"):
            user.models.create(_id("mine"), "alpha")
        with pytest.raises(PermissionDeniedError, match="nothing was changed"):
            user.models.set_access("private", ids=[model_id])
        with pytest.raises(PermissionDeniedError):
            user.users.list()
        with pytest.raises(PermissionDeniedError):
            user.groups.create(_id("group"))
    finally:
        user.close()
    assert Access.from_record(client.models.settings(model_id)).kind == "public"


def test_users_list_get_role_and_delete_on_every_version(owui_sandbox_any, client_any):
    other = signed_in_client(owui_sandbox_any, prefix="managed")
    me = other.me()
    other.close()
    users = client_any.users.list()
    assert me.id in {u.id for u in users}
    got = client_any.users.get(me.id)
    assert (got.email, got.role) == (me.email, "user")
    assert client_any.users.find(me.email.upper()).id == me.id
    frame = users_frame(client_any).set_index("user_id")
    assert (frame.loc[me.id, "email"], frame.loc[me.id, "role"]) == (me.email, "user")

    assert client_any.users.set_role(me.id, "pending").role == "pending"
    assert client_any.users.get(me.id).role == "pending"
    assert client_any.users.get(me.id).name == me.name  # the rest stays
    with pytest.raises(ConfigurationError, match="role must be one of"):
        client_any.users.set_role(me.id, "superuser")

    assert client_any.users.delete(me.id) is True
    assert me.id not in {u.id for u in client_any.users.list()}
    with pytest.raises(NotFoundError):
        client_any.users.get(me.id)
    with pytest.raises(PermissionDeniedError, match="your own account"):
        client_any.users.delete(client_any.me().id)


def test_groups_and_members_on_every_version(owui_sandbox_any, client_any):
    ids = []
    for _ in range(3):
        user = signed_in_client(owui_sandbox_any, prefix="member")
        ids.append(user.me().id)
        user.close()
    group = client_any.groups.create(_id("team"), "a test group", user_ids=ids[:2])
    try:
        assert sorted(client_any.groups.members(group.id)) == sorted(ids[:2])
        assert client_any.groups.find(group.name.upper()).id == group.id

        client_any.groups.add_users(group.id, [ids[2]])
        assert sorted(client_any.groups.members(group.id)) == sorted(ids)
        client_any.groups.remove_users(group.id, [ids[0]])
        assert sorted(client_any.groups.members(group.id)) == sorted(ids[1:])
        client_any.groups.set_members(group.id, [ids[0]])
        assert client_any.groups.members(group.id) == [ids[0]]
        row = groups_frame(client_any).set_index("group_id").loc[group.id]
        assert row["user_ids"] == [ids[0]] and row["member_count"] == 1

        renamed = client_any.groups.update(group.id, name=group.name + "-x", description="d2")
        assert (renamed.name, renamed.description) == (group.name + "-x", "d2")
        assert client_any.groups.members(group.id) == [ids[0]]  # members stay
    finally:
        assert client_any.groups.delete(group.id) is True
        for user_id in ids:
            client_any.users.delete(user_id)
    assert group.id not in {g.id for g in client_any.groups.list()}


def _aged_chat(client, title: str, age_days: float, folder_id: str | None = None) -> str:
    """A saved chat whose last change lies `age_days` back (imported with its timestamps)."""
    stamp = int(time.time() - age_days * 86400)
    form = {
        "chat": {"title": title, "models": ["alpha"], "history": {"messages": {}}, "messages": []},
        "folder_id": folder_id,
        "created_at": stamp,
        "updated_at": stamp,
    }
    record = client.chats.import_chats([form])[0]
    if folder_id is not None and record.folder_id != folder_id:
        record = client.chats.move_to_folder(record.id, folder_id)
    return record.id


def test_archive_chats_older_than_on_every_version(owui_sandbox_any):
    client = signed_in_client(owui_sandbox_any, prefix="archiver")
    try:
        folder = client.folders.create("Old work")
        old_loose = _aged_chat(client, "old loose", 40)
        old_filed = _aged_chat(client, "old filed", 40, folder.id)
        new_loose = client.chats.create({"title": "new loose", "models": ["alpha"]}).id
        stamps = {r.id: r.updated_at for r in client.chats.iter()}
        # 0.6 stamps an imported chat with the import time: there every chat is "old" at 0
        # days, and the folder filters are what this test can check.
        aged = stamps[old_loose] < time.time() - 30 * 86400
        days = 30 if aged else 0
        loose = [old_loose] if aged else sorted([old_loose, new_loose])

        preview = client.chats.archive_older_than(days, dry_run=True)
        assert {r.id for r in preview} == {old_filed, *loose}
        assert not client.chats.archived()  # a dry run changes nothing

        done = client.chats.archive_older_than(days, outside_folders=True)
        assert sorted(r.id for r in done) == loose
        assert sorted(r.id for r in client.chats.archived()) == loose

        done = client.chats.archive_older_than(days, folder="old work")
        assert [r.id for r in done] == [old_filed]
        assert {r.id for r in client.chats.archived()} == {old_filed, *loose}
        if aged:
            assert [r.id for r in client.chats.iter()] == [new_loose]
        with pytest.raises(NotFoundError, match="no folder"):
            client.chats.archive_older_than(30, folder="no such folder")
        with pytest.raises(ConfigurationError):
            client.chats.archive_older_than(30, folder="old work", outside_folders=True)
    finally:
        client.chats.delete_all()
        client.close()


def test_access_reads_and_writes_both_server_forms():
    shared = Access.to(groups=["g1"], users=["u1"], write=True)
    assert Access.from_record({"access_grants": shared.grants()}) == shared
    assert Access.from_record({"access_control": shared.access_control()}) == shared
    public = Access.of("public")
    assert (
        public.access_control() is None and Access.from_record({"access_control": None}) == public
    )
    assert public.grants() == [
        {"principal_type": "user", "principal_id": "*", "permission": "read"}
    ]
    assert Access.from_record({"access_grants": []}).kind == "private"
    assert Access.from_record({"name": "no access fields"}) is None
    with pytest.raises(ConfigurationError, match="'public', 'private'"):
        Access.of("everyone")
