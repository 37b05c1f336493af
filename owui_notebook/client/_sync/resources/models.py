# Generated from owui_notebook/client/_async/resources/models.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Models: ``/api/models`` and ``/api/v1/models``."""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from typing import Any

from ..._responses import expect
from ..._suggest import suggest
from ...access import Access
from ...errors import (
    APIStatusError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    UnexpectedResponseError,
)
from ...types import Model
from .._resource import Resource
from ._access import resolve_access, uses_grants
from ._permission import permitted

_MODEL = "/api/v1/models/model"
NO_MODELS = "; the server lists no models (check its connections)"


class Models(Resource):
    """Models (``client.models``): list them; admins make, change and share workspace models."""

    def list(self, *, refresh: bool = False) -> builtins.list[Model]:
        """Every model this user may chat with (connections, custom models, pipes)."""
        body = self._get("/api/models", refresh=True if refresh else None)
        rows = body.get("data") if isinstance(body, dict) else body
        rows = expect(rows, list, "GET", "/api/models")
        return [
            Model.model_validate(row) for row in rows if isinstance(row, dict) and row.get("id")
        ]

    def get(self, model_id: str) -> Model:
        """One model by id; `NotFoundError` lists the closest ids when there is no such model."""
        models = self.list()
        for model in models:
            if model.id == model_id:
                return model
        hint = suggest(model_id, [m.id for m in models], none=NO_MODELS)
        raise NotFoundError(
            f"no model {model_id!r} on this server{hint}",
            method="GET",
            path="/api/models",
            status_code=404,
        )

    def base(self) -> builtins.list[Model]:
        """The models the server's connections provide (not workspace models built on them).

        The server's ``/api/v1/models/base`` lists only base models an admin has given
        settings (access, a name), so it is empty on a fresh server; the model list is the
        truth for every user.
        """
        return [m for m in self.list() if _is_connection_model(m)]

    def custom(self) -> builtins.list[dict[str, Any]]:
        """Custom models (workspace models built on a base model), every page.

        0.9+ serve them from ``/api/v1/models/list`` (paged on 0.12); 0.6 from
        ``/api/v1/models/``, which newer releases answer with the web page.
        """
        try:
            return self._all_pages("/api/v1/models/list")
        except UnexpectedResponseError:  # before 0.9 that path is the web page
            return self._custom_before_0_9()

    def _custom_before_0_9(self) -> builtins.list[dict[str, Any]]:
        body = self._get("/api/v1/models/")
        if isinstance(body, dict) and "data" in body:
            body = body["data"]
        return expect(body, list, "GET", "/api/v1/models/")

    # -- workspace (custom) models: create, change, enable, share, delete -----------------------

    def settings(self, model_id: str) -> dict[str, Any]:
        """A workspace model's stored settings (``base_model_id``, ``params``, ``meta``,
        ``is_active``, access); `NotFoundError` if it has none."""
        try:
            body = self._get(_MODEL, id=model_id)
        except NotFoundError:
            body = None
        if not isinstance(body, dict) or not body.get("id"):
            raise NotFoundError(
                f"no workspace model {model_id!r} on this server",
                method="GET",
                path=_MODEL,
                status_code=404,
            )
        return body

    def create(
        self,
        model_id: str,
        base_model: str,
        *,
        name: str | None = None,
        system: str | None = None,
        params: dict[str, Any] | None = None,
        description: str | None = None,
        capabilities: dict[str, bool] | None = None,
        access: Access | str = "private",
        active: bool = True,
    ) -> dict[str, Any]:
        """A custom model built on `base_model`, with its own system prompt and parameters
        (``temperature``, ``max_tokens``, ...); private to you unless `access` says otherwise.
        Returns its stored settings."""
        if not model_id or any(c.isspace() for c in model_id):
            raise ConfigurationError(f"a model id needs no spaces: {model_id!r}")
        # Capabilities always as an object: the server stores a missing one as null, and
        # 0.7.2 then fails every chat with the model ('NoneType' object has no attribute 'get').
        meta: dict[str, Any] = {
            "profile_image_url": "/static/favicon.png",
            "capabilities": dict(capabilities or {}),
        }
        if description is not None:
            meta["description"] = description
        form = {
            "id": model_id,
            "base_model_id": base_model,
            "name": name or model_id,
            "meta": meta,
            "params": {**(params or {}), **({"system": system} if system is not None else {})},
            "is_active": active,
            **(resolve_access(self._client, access)).form(),
        }
        permitted(
            self._client,
            lambda: self._post("/api/v1/models/create", form),
            "create workspace models",
        )
        self._reload_server_list()
        return self.settings(model_id)

    def _reload_server_list(self) -> None:
        """Chats look models up in the server's in-memory list, which it rebuilds only when
        models are listed: without this a new or changed model is "not found" until then."""
        self._client._names = None  # the display-name cache is stale too
        self.list()

    def update(
        self,
        model_id: str,
        *,
        name: str | None = None,
        base_model: str | None = None,
        system: str | None = None,
        params: dict[str, Any] | None = None,
        description: str | None = None,
    ) -> dict[str, Any]:
        """Change what is given (`params` are merged into the saved ones); the rest stays."""
        current = self.settings(model_id)
        new_params = {**(current.get("params") or {}), **(params or {})}
        if system is not None:
            new_params["system"] = system
        meta = dict(current.get("meta") or {})
        meta["capabilities"] = meta.get("capabilities") or {}  # see `create`
        if description is not None:
            meta["description"] = description
        form = {
            **_stored_form(current),
            "name": name or current.get("name") or model_id,
            "base_model_id": base_model or current.get("base_model_id"),
            "params": new_params,
            "meta": meta,
        }
        permitted(
            self._client,
            lambda: self._post(f"{_MODEL}/update", form, id=model_id),
            f"change {model_id}",
        )
        self._reload_server_list()
        return self.settings(model_id)

    def set_active(self, model_id: str, active: bool = True) -> dict[str, Any]:
        """Enable or disable a model (the server's endpoint toggles; this sets)."""
        current = self.settings(model_id)
        if bool(current.get("is_active")) != active:
            self._post(f"{_MODEL}/toggle", id=model_id)
            self._reload_server_list()
            current = self.settings(model_id)
        return current

    def enable(self, model_id: str) -> dict[str, Any]:
        """Make a model available to chat with again."""
        return self.set_active(model_id, True)

    def disable(self, model_id: str) -> dict[str, Any]:
        """Hide a model from the model list (its chats stay)."""
        return self.set_active(model_id, False)

    def delete(self, model_id: str) -> bool:
        """Delete a workspace model (0.9+ take a POST with a body; 0.6 a DELETE ``?id=``)."""
        try:
            done = self._post(f"{_MODEL}/delete", {"id": model_id})
        except APIStatusError as exc:
            if exc.status_code != 405:
                raise
            done = self._delete(f"{_MODEL}/delete", id=model_id)
        self._client._names = None
        return bool(done)

    def set_access(
        self,
        access: Access | str,
        ids: Iterable[str] | str | None = None,
        *,
        match: str | None = None,
    ) -> builtins.list[str]:
        """Set who may use models: the models in `ids`, or the workspace models whose id or
        name contains `match` (case-insensitive). `ids` may name a connection's base model
        (admins): the server then keeps an entry over it, as its web UI does. All or none:
        every model must exist and be yours (or you an admin), checked before any changes.
        Returns the ids changed."""
        access = resolve_access(self._client, access)
        targets = self._targets(ids, match)
        me = self._client.me()
        locked = [t["id"] for t in targets if me.role != "admin" and t.get("user_id") != me.id]
        if locked:
            raise PermissionDeniedError(
                f"you may not change access to {', '.join(locked)} (not yours, and you are "
                "no admin); nothing was changed",
                method="POST",
                path=f"{_MODEL}/access/update",
                status_code=403,
            )
        for target in targets:
            self._set_access(target, access)
        self._reload_server_list()
        return [t["id"] for t in targets]

    def _set_access(self, target: dict[str, Any], access: Access) -> None:
        grants_form = {"id": target["id"], "name": target.get("name"), **access.form()}
        if uses_grants(target):
            self._post(f"{_MODEL}/access/update", grants_form)
        elif "base_model_id" in target:  # up to 0.8 access is part of the model's form
            form = {**_stored_form(target), **access.form()}
            self._post(f"{_MODEL}/update", form, id=target["id"])
        else:  # a base model with no entry yet: 0.9+ make one, older releases need a create
            try:
                self._post(f"{_MODEL}/access/update", grants_form)
            except (NotFoundError, UnexpectedResponseError):
                self._post("/api/v1/models/create", {**_base_entry(target), **access.form()})
            except APIStatusError as exc:
                if exc.status_code != 405:
                    raise
                self._post("/api/v1/models/create", {**_base_entry(target), **access.form()})

    def _stored_base(self) -> builtins.list[dict[str, Any]]:
        """Entries admins keep over base models (their access, name); [] for other users."""
        me = self._client.me()
        if me.role != "admin":
            return []
        return [r for r in self._get_list("/api/v1/models/base") if isinstance(r, dict)]

    def _targets(
        self, ids: Iterable[str] | str | None, match: str | None
    ) -> builtins.list[dict[str, Any]]:
        if (ids is None) == (match is None):
            raise ConfigurationError("name the models by ids=[...] or by match='text' (one)")
        custom = self.custom()
        if match is not None:
            needle = match.casefold()
            found = [
                m
                for m in custom
                if needle in str(m.get("id", "")).casefold()
                or needle in str(m.get("name", "")).casefold()
            ]
            if not found:
                raise NotFoundError(
                    f"no workspace model matches {match!r}; nothing was changed",
                    method="GET",
                    path=_MODEL,
                    status_code=404,
                )
            return found
        wanted = [ids] if isinstance(ids, str) else list(dict.fromkeys(ids or []))
        by_id = {m.get("id"): m for m in custom}
        if any(i not in by_id for i in wanted):
            for row in self._stored_base():
                by_id.setdefault(row.get("id"), row)
            for model in self.base():
                by_id.setdefault(model.id, {"id": model.id, "name": model.name})
        missing = [i for i in wanted if i not in by_id]
        if missing:
            raise NotFoundError(
                f"no model {', '.join(map(repr, missing))}; nothing was changed"
                + suggest(missing[0], [str(k) for k in by_id], none="; there are none"),
                method="GET",
                path=_MODEL,
                status_code=404,
            )
        return [by_id[i] for i in wanted]


def _is_connection_model(model: Model) -> bool:
    """A model straight from a connection: not a workspace model over one, not the arena."""
    info = model.info or {}
    return not model.arena and not info.get("base_model_id") and model.owned_by != "arena"


def _base_entry(target: dict[str, Any]) -> dict[str, Any]:
    """The entry the web UI saves to give a base model settings: its own id, no base."""
    return {
        "id": target["id"],
        "base_model_id": None,
        "name": target.get("name") or target["id"],
        "meta": {},
        "params": {},
        "is_active": True,
    }


def _stored_form(record: dict[str, Any]) -> dict[str, Any]:
    """The model form that leaves a stored model as it is (an update replaces every field,
    and would re-enable a disabled model or reset its access otherwise)."""
    form = {
        "id": record["id"],
        "base_model_id": record.get("base_model_id"),
        "name": record.get("name") or record["id"],
        "meta": record.get("meta") or {},
        "params": record.get("params") or {},
        "is_active": bool(record.get("is_active", True)),
    }
    access = Access.from_record(record)
    if access is not None:
        form.update(access.form())
    return form
