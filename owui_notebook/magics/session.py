"""What a notebook's ``%owui`` remembers: the connection, the current chat, the model."""

from __future__ import annotations

import getpass
import os
import re
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from ..client._connection import (
    KEY_ENV,
    URL_ENV,
    forget_connection,
    resolve_connection,
    use_connection,
)

if TYPE_CHECKING:
    from ..client import Chat, ChatResult, OpenWebUI, SessionUser


class Session:
    """One per IPython shell; the magics only read and change it."""

    def __init__(self) -> None:
        self.client: OpenWebUI | None = None
        self.user: SessionUser | None = None
        self.chat: Chat | None = None
        self.model: str | None = None
        self.start_new = False
        self.last: ChatResult | None = None
        self._model_ids: list[str] | None = None

    def __repr__(self) -> str:
        server = self.client.base_url if self.client else None
        chat = self.chat.id if self.chat else None
        return f"<owui Session server={server!r} model={self.model!r} chat={chat!r}>"

    # -- connection ---------------------------------------------------------------------

    def connect(self, url: str | None, key_env: str | None = None) -> OpenWebUI:
        """Open (or replace) the connection and check the key works.

        URL and key come from the one resolver (``owui_notebook.client._connection``): the
        argument, else ``$OWUI_URL``, else this machine's running ``owui-notebook sandbox``
        (waited for while it starts). Key: ``$key_env``, else the resolver's, else a hidden
        prompt. Clients and panels made later without a URL then reach this server too.
        """
        from ..client import OpenWebUI
        from ..client.errors import looks_like_secret

        if looks_like_secret(url or "") or looks_like_secret(key_env or ""):
            raise UsageError(_KEY_ON_THE_LINE)
        key = _key_from(key_env) if key_env else None
        # notebook=False: this connection replaces the notebook's, it does not reuse it.
        found = resolve_connection(url, key, notebook=False, wait=not url)
        if found is None:
            raise UsageError(
                f"no server URL: write %owui connect https://your-server, set ${URL_ENV}, "
                "or start a local one with `owui-notebook sandbox`"
            )
        client = OpenWebUI(found.url, found.api_key or _ask_key())
        # Everything is checked before the session changes: a failure leaves the previous
        # connection (or none) in place, never a half-made one.
        try:
            info = client.server_info()
            user = client.me()
            if user.role == "pending":
                raise UsageError(
                    f"the account {user.email or user.name or ''} is pending approval: an admin "
                    "must activate it (Admin Panel › Users) before it can be used; not connected"
                )
            model_ids = [m.id for m in client.models.list()]
        except BaseException:
            client.close()
            raise
        self.close()
        self.client, self.user, self._model_ids = client, user, model_ids
        # So that panels and clients made in later cells without a URL reach this server.
        use_connection(client.settings.base_url, client.settings.api_key)
        self.model = self.model or info.default_model(model_ids)
        return client

    def require_client(self) -> OpenWebUI:
        """The connection; made on first use when the environment or a sandbox gives URL and key."""
        if self.client is None:
            found = resolve_connection(notebook=False)
            if found is not None and found.api_key:
                return self.connect(None)
            raise UsageError(
                f"not connected: run %owui connect URL first (or set ${URL_ENV} and ${KEY_ENV})"
            )
        return self.client

    def close(self) -> None:
        if self.client is not None:
            forget_connection(self.client.settings.base_url)
            self.client.close()
        self.client = self.user = self.chat = None

    # -- models -------------------------------------------------------------------------

    def model_ids(self, *, refresh: bool = False) -> list[str]:
        if self._model_ids is None or refresh:
            self._model_ids = [m.id for m in self.require_client().models.list()]
        return self._model_ids

    def check_model(self, model: str) -> str:
        """`model` if the server has it; else a one-line error naming the closest ids.

        The list is cached; a miss asks the server again, since models come and go.
        """
        from ..client.errors import NotFoundError

        if model in self.model_ids() or model in self.model_ids(refresh=True):
            return model
        try:
            self.require_client().models.get(model)
        except NotFoundError as exc:
            raise UsageError(f"{exc} (see %owui models)") from None
        return model

    def default_model(self) -> str | None:
        """The server's default model if it lists one that exists, else its first model."""
        client = self.require_client()
        return client.server_info().default_model(self.model_ids())

    # -- chats --------------------------------------------------------------------------

    def find_chat(self, id_or_title: str) -> Chat:
        """A saved chat by id, or by exact title (the most recently updated if several)."""
        from ..client.errors import NotFoundError

        try:
            return self.require_client().chats.open(id_or_title)
        except NotFoundError:
            raise UsageError(
                f"no chat with id or title {id_or_title!r}: see %owui chats for ids and titles"
            ) from None

    def status(self) -> dict[str, Any]:
        client = self.require_client()
        info = client.server_info()
        user = self.user
        return {
            "server": client.base_url,
            "version": info.version,
            "user": user.name if user else None,
            "email": user.email if user else None,
            "role": user.role if user else None,
            "model": self.model,
            "models": len(self.model_ids()),
            "chat_id": self.chat.id if self.chat else None,
            "chat_title": self.chat.title if self.chat else None,
            "chat_url": self.chat.url if self.chat else None,
        }


_KEY_ON_THE_LINE = (
    "that looks like an API key or token, and keys never go on the %owui connect line (the "
    "cell is saved with the notebook): delete it from the cell, then set $OWUI_API_KEY, use "
    "--key-env VAR, or leave it out to be asked"
)
# An environment variable's name: shown back when it is unset, unlike a pasted key.
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


def _key_from(key_env: str) -> str:
    if not _ENV_NAME.fullmatch(key_env):
        raise UsageError(
            "--key-env takes the name of an environment variable that holds the key, "
            "e.g. --key-env OWUI_API_KEY, not the key itself"
        )
    key = os.environ.get(key_env, "").strip()
    if not key:
        # Named back only when it reads as a name: a pasted key must not be echoed.
        shown = f"${key_env}" if "_" in key_env or key_env.isupper() else "that variable"
        raise UsageError(f"{shown} is not set: export it, or drop --key-env to be asked")
    return key


def _ask_key() -> str:
    try:
        key = getpass.getpass("Open WebUI API key (Settings › Account in the web UI): ")
    except Exception:  # no stdin, e.g. a notebook run headless
        key = ""
    if not key.strip():
        raise UsageError(f"no API key: set ${KEY_ENV} (or --key-env VAR), or type it when asked")
    return key.strip()
