"""Changing who may use prompts, notes and models, on every release line.

0.12's plain update endpoints ignore access sent with the resource; each check reads back
what the server stored (and, for prompts, what another user can see).
"""

from __future__ import annotations

import uuid

import pytest

from owui_notebook.client import Access, ConfigurationError, NotFoundError
from owui_notebook.testing.bootstrap import signed_in_client


def _id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def _stored_prompt(client, command: str) -> dict:
    rows = client._http.request("GET", "/api/v1/prompts/")
    return {p["command"].lstrip("/"): p for p in rows}[command]


def test_prompt_made_private_is_hidden_from_other_users(owui_sandbox_any, client_any, delete_after):
    command = _id("pub")
    delete_after(client_any.prompts.delete, command)
    client_any.prompts.create(command, "Shared once.", access="public")
    user = signed_in_client(owui_sandbox_any, prefix="reader")
    try:
        assert command in {p.command for p in user.prompts.list()}
        updated = client_any.prompts.update(command, access="private")
        assert Access.from_record(updated.model_dump()).kind == "private"
        assert Access.from_record(_stored_prompt(client_any, command)).kind == "private"
        assert command not in {p.command for p in user.prompts.list()}
        # Content changes alone leave the access as it is.
        client_any.prompts.update(command, content="Still private.")
        assert Access.from_record(_stored_prompt(client_any, command)).kind == "private"
        assert command not in {p.command for p in user.prompts.list()}
    finally:
        user.close()


def test_groups_are_named_by_name_or_id(owui_sandbox_any, client_any, delete_after):
    user = signed_in_client(owui_sandbox_any, prefix="member")
    group = client_any.groups.create(_id("Readers"), user_ids=[user.me().id])
    command = _id("grp")
    delete_after(client_any.prompts.delete, command)
    try:
        client_any.prompts.create(command, "For readers.", access=Access.to(groups=[group.name]))
        stored = Access.from_record(_stored_prompt(client_any, command))
        assert stored.read_groups == (group.id,)
        assert command in {p.command for p in user.prompts.list()}  # members see it

        # By id, and in any case, the same group.
        updated = client_any.prompts.update(
            command, access=Access.to(groups=[group.name.upper()], write=True)
        )
        assert Access.from_record(updated.model_dump()).write_groups == (group.id,)

        # An unknown name is one line and changes nothing.
        with pytest.raises(ConfigurationError, match=r"no group called 'Nobody-xyz'.*nothing"):
            client_any.prompts.update(command, access=Access.to(groups=["Nobody-xyz"]))
        with pytest.raises(ConfigurationError, match="no group called"):
            client_any.prompts.create(_id("never"), "x", access=Access.to(groups=["Nobody-xyz"]))
        assert Access.from_record(_stored_prompt(client_any, command)).write_groups == (group.id,)
    finally:
        client_any.groups.delete(group.id)
        user.close()


def test_note_access_data_and_meta_change_on_update(client_any):
    note = client_any.notes.create(
        _id("Note"), "text", access="public", data={"files": []}, meta={"project": "tides"}
    )
    try:
        stored = client_any._http.request("GET", f"/api/v1/notes/{note.id}")
        assert Access.from_record(stored).kind == "public"
        assert stored["data"]["files"] == [] and stored["data"]["content"]["md"] == "text"
        assert (stored.get("meta") or {}).get("project") == "tides"

        updated = client_any.notes.update(note.id, access="private", meta={"stage": "draft"})
        stored = client_any._http.request("GET", f"/api/v1/notes/{note.id}")
        assert Access.from_record(stored).kind == "private"
        assert Access.from_record(updated.model_dump()).kind == "private"
        assert stored["meta"] == {"project": "tides", "stage": "draft"}
        assert stored["data"]["content"]["md"] == "text"  # the text stays
    finally:
        client_any.notes.delete(note.id)


def test_access_to_a_connections_base_model(client_any):
    assert {"alpha", "beta"} <= {m.id for m in client_any.models.base()}
    try:
        assert client_any.models.set_access("private", ids=["alpha"]) == ["alpha"]
        entry = client_any.models.settings("alpha")
        assert entry["base_model_id"] is None  # an entry over the base model, as the web UI's
        assert Access.from_record(entry).kind == "private"
        # Changing it again goes through the entry now stored.
        client_any.models.set_access("public", ids=["alpha"])
        assert Access.from_record(client_any.models.settings("alpha")).kind == "public"
        # Still a base model, still one of its kind.
        base = [m.id for m in client_any.models.base()]
        assert base.count("alpha") == 1
        with pytest.raises(NotFoundError, match=r"no model 'no-such-xyz'.*nothing was changed"):
            client_any.models.set_access("private", ids=["alpha", "no-such-xyz"])
    finally:
        client_any.models.delete("alpha")  # the entry over the base model


def test_base_lists_the_connection_models_not_workspace_ones(client_any):
    model_id = _id("custom")
    client_any.models.create(model_id, "alpha")
    try:
        base = {m.id for m in client_any.models.base()}
        assert {"alpha", "beta"} <= base and model_id not in base
    finally:
        client_any.models.delete(model_id)
