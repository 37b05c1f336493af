# Generated from owui_notebook/client/_async/client.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""The client: connection settings, server version, and the resource groups."""

from __future__ import annotations

from typing import Any

import httpx

from .._settings import Settings
from ..chat_options import ChatOptions
from ..errors import ConfigurationError, NotFoundError, UnexpectedResponseError
from ..features import has_feature, require_feature
from ..task_types import TaskResult
from ..types import ServerInfo, SessionUser
from ._http import HTTP
from .chat import Chat
from .resources.analytics import Analytics
from .resources.auths import Auths
from .resources.chats import Chats
from .resources.completions import Completions
from .resources.evaluations import Evaluations
from .resources.files import Files
from .resources.folders import Folders
from .resources.groups import Groups
from .resources.knowledge import Knowledge
from .resources.models import Models
from .resources.notes import Notes
from .resources.prompts import Prompts
from .resources.stats import Stats
from .resources.tags import Tags
from .resources.tasks import Tasks
from .resources.tools import Tools
from .resources.users import Users
from .task_runner import DEFAULT_MAX_ITERATIONS, TaskStream


class OpenWebUI:
    """Client for an Open WebUI server.

        with OpenWebUI("http://localhost:8080", api_key="sk-...") as client:
            chat = client.chat("llama3")
            result = chat.send("Hello")

    `base_url` and `api_key` default to ``$OWUI_URL`` and ``$OWUI_API_KEY``. The key may be an
    API key or a JWT; or call `signin` instead. Resource groups follow the server's URL
    families: ``client.chats``, ``client.models``, ``client.stats``, ...
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        verify: bool | str = True,
        http_client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        settings = Settings.resolve(
            base_url, api_key, timeout=timeout, max_retries=max_retries, verify=verify
        )
        self._http = HTTP(settings, http_client=http_client, transport=transport)
        self._server: ServerInfo | None = None
        self._names: dict[str, str] | None = None
        self.auths = Auths(self)
        self.models = Models(self)
        self.chats = Chats(self)
        self.folders = Folders(self)
        self.tags = Tags(self)
        self.files = Files(self)
        self.knowledge = Knowledge(self)
        self.tasks = Tasks(self)
        self.tools = Tools(self)
        self.stats = Stats(self)
        self.analytics = Analytics(self)
        self.evaluations = Evaluations(self)
        self.completions = Completions(self)
        self.prompts = Prompts(self)
        self.notes = Notes(self)
        self.users = Users(self)
        self.groups = Groups(self)

    def __repr__(self) -> str:
        auth = "key" if self._http.has_token else "no key"
        return f"<{type(self).__name__} {self.base_url} ({auth})>"

    @property
    def settings(self) -> Settings:
        """URL, credentials (hidden from the repr) and options; after `signin`, its token."""
        return self._http.settings

    @property
    def base_url(self) -> str:
        return self.settings.base_url

    def chat_url(self, chat_id: str) -> str:
        """Link to a chat in the web UI."""
        return f"{self.base_url}/c/{chat_id}"

    def __enter__(self) -> OpenWebUI:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    # -- server -------------------------------------------------------------------------

    def server_info(self, *, refresh: bool = False) -> ServerInfo:
        """The server's version and features (asked once, then cached)."""
        if self._server is None or refresh:
            try:
                version = self._http.request("GET", "/api/version")
            except NotFoundError:
                raise UnexpectedResponseError(
                    f"{self.base_url} is not an Open WebUI server (GET /api/version -> 404); "
                    "check the URL"
                ) from None
            if not isinstance(version, dict) or not version.get("version"):
                raise UnexpectedResponseError(
                    f"{self.base_url} does not look like Open WebUI "
                    "(GET /api/version gave no version); check the URL"
                )
            config: Any = self._http.request("GET", "/api/config")
            config = config if isinstance(config, dict) else {}
            self._server = ServerInfo(
                version=str(version["version"]),
                name=config.get("name"),
                features=config.get("features") or {},
                default_models=config.get("default_models"),
            )
        return self._server

    def version(self) -> str:
        return (self.server_info()).version

    def has(self, feature: str) -> bool:
        """Whether the server's version has `feature` (see ``owui_notebook.client.features``)."""
        return has_feature(self.version(), feature)

    def require(self, feature: str) -> None:
        """Raise `UnsupportedFeatureError` ("needs Open WebUI >= X") if the server lacks it."""
        require_feature(self.version(), feature)

    def signin(self, email: str, password: str) -> SessionUser:
        """Sign in with email and password instead of an API key."""
        return self.auths.signin(email, password)

    def me(self) -> SessionUser:
        return self.auths.me()

    def _model_names(self) -> dict[str, str]:
        if self._names is None:
            try:
                self._names = {m.id: m.display_name for m in self.models.list()}
            except Exception:  # names are cosmetic; the answer must still be saved
                return {}
        return self._names

    # -- conversations ------------------------------------------------------------------

    def chat(
        self, model: str | None = None, *, chat_id: str | None = None, **options: Any
    ) -> Chat:
        """A conversation with `model`: new, or the saved chat `chat_id` continued.

        `options` are `ChatOptions` by name: ``title=``, ``system=``, ``folder_id=``,
        ``tags=``, ``auto_title=``, ``auto_tags=``, ``tool_ids=``, ``follow_ups=``; any
        other keyword (``temperature=``, ``max_tokens=``, ...) goes with every request.
        """
        if model is None and chat_id is None:
            raise ConfigurationError("chat() needs a model, or chat_id= to continue a saved chat")
        return Chat(self, model, chat_id=chat_id, options=ChatOptions.of(**options))

    # -- tasks --------------------------------------------------------------------------

    def stream_task(
        self,
        question: str,
        model: str,
        *,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
        tool_ids: list[str] | None = None,
        knowledge: Any = None,
        decision_model: str | None = None,
        system: str | None = None,
        title: str | None = None,
        folder_id: str | None = None,
        tags: list[str] | None = None,
        **params: Any,
    ) -> TaskStream:
        """Work through `question` in steps with `model`; iterate for the steps as they stream.

        Each iteration the model answers with a step: its thought, the updated to-do list,
        new key findings, and a next action, options or the final answer. When a step
        offers options, `decision_model` picks one. At most `max_iterations` steps; the
        whole run is saved as one chat. `tool_ids` and `knowledge` (and ``temperature=``
        and the like) go with the working model's requests. See `TaskStream`.
        """
        extra = {"tool_ids": tool_ids, "knowledge": knowledge}
        return TaskStream(
            self,
            question,
            model,
            max_iterations=max_iterations,
            decision_model=decision_model,
            system=system,
            title=title,
            folder_id=folder_id,
            tags=tags,
            params={**params, **{k: v for k, v in extra.items() if v is not None}},
        )

    def run_task(
        self,
        question: str,
        model: str,
        *,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
        tool_ids: list[str] | None = None,
        knowledge: Any = None,
        decision_model: str | None = None,
        **options: Any,
    ) -> TaskResult:
        """`stream_task` run to its end: the `TaskResult` (answer, to-do list, findings,
        iterations with their timings and usage, the saved chat's id, and how it ended)."""
        with self.stream_task(
            question,
            model,
            max_iterations=max_iterations,
            tool_ids=tool_ids,
            knowledge=knowledge,
            decision_model=decision_model,
            **options,
        ) as stream:
            return stream.until_done()
