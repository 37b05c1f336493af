"""What a notebook's ``%owui`` remembers: the connection, the current chat, the model."""

from __future__ import annotations

import getpass
import os
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

        key = _key_from(key_env) if key_env else None
        # notebook=False: this connection replaces the notebook's, it does not reuse it.
        found = resolve_connection(url, key, notebook=False, wait=not url)
        if found is None:
            raise UsageError(
                f"no server URL: write %owui connect https://your-server, set ${URL_ENV}, "
                "or start a local one with `owui-notebook sandbox`"
            )
        client = OpenWebUI(found.url, found.api_key or _ask_key())
        try:
            client.server_info()
            user = client.me()
        except BaseException:
            client.close()
            raise
        self.close()
        self.client, self.user = client, user
        use_connection(client.settings.base_url, client.settings.api_key)
        self._model_ids = None
        self.model = self.model or self.default_model()
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
        ids = self.model_ids()
        configured = (client.server_info().default_models or "").split(",")
        for model in (m.strip() for m in configured):
            if model in ids:
                return model
        return ids[0] if ids else None

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


def _key_from(key_env: str) -> str:
    key = os.environ.get(key_env, "").strip()
    if not key:
        raise UsageError(f"${key_env} is not set: export it, or drop --key-env to be asked")
    return key


def _ask_key() -> str:
    try:
        key = getpass.getpass("Open WebUI API key (Settings › Account in the web UI): ")
    except Exception:  # no stdin, e.g. a notebook run headless
        key = ""
    if not key.strip():
        raise UsageError(f"no API key: set ${KEY_ENV} (or --key-env VAR), or type it when asked")
    return key.strip()
