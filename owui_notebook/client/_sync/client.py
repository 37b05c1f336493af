# Generated from owui_notebook/client/_async/client.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""The client: connection settings, server version, and the resource groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from .._lazy import LazyGroup
from .._settings import DEFAULT_MAX_ITERATIONS, Settings
from ..errors import ConfigurationError, NotFoundError, UnexpectedResponseError
from ..features import has_feature, require_feature
from ._http import HTTP

# What a caller does not touch is not imported: `from owui_notebook.client import OpenWebUI`
# must stay as cheap as the lightest peer client (bench/peers, tests/unit/test_layers.py).
# Resource groups load on first access (`LazyGroup`); the chat engine, the task runner and
# the typed models (pydantic) load in the methods that use them.
if TYPE_CHECKING:
    from ..task_types import TaskResult
    from ..types import ServerInfo, SessionUser
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
    from .task_runner import TaskStream


class OpenWebUI:
    """Client for an Open WebUI server.

        with OpenWebUI("http://localhost:8080", api_key="sk-...") as client:
            chat = client.chat("llama3")
            result = chat.send("Hello")

    `base_url` and `api_key` default to ``$OWUI_URL`` and ``$OWUI_API_KEY``. The key may be an
    API key or a JWT; or call `signin` instead. Resource groups follow the server's URL
    families: ``client.chats``, ``client.models``, ``client.stats``, ...; each is made the
    first time it is touched.
    """

    auths: LazyGroup[Auths] = LazyGroup(".resources.auths:Auths")
    models: LazyGroup[Models] = LazyGroup(".resources.models:Models")
    chats: LazyGroup[Chats] = LazyGroup(".resources.chats:Chats")
    folders: LazyGroup[Folders] = LazyGroup(".resources.folders:Folders")
    tags: LazyGroup[Tags] = LazyGroup(".resources.tags:Tags")
    files: LazyGroup[Files] = LazyGroup(".resources.files:Files")
    knowledge: LazyGroup[Knowledge] = LazyGroup(".resources.knowledge:Knowledge")
    tasks: LazyGroup[Tasks] = LazyGroup(".resources.tasks:Tasks")
    tools: LazyGroup[Tools] = LazyGroup(".resources.tools:Tools")
    stats: LazyGroup[Stats] = LazyGroup(".resources.stats:Stats")
    analytics: LazyGroup[Analytics] = LazyGroup(".resources.analytics:Analytics")
    evaluations: LazyGroup[Evaluations] = LazyGroup(".resources.evaluations:Evaluations")
    completions: LazyGroup[Completions] = LazyGroup(".resources.completions:Completions")
    prompts: LazyGroup[Prompts] = LazyGroup(".resources.prompts:Prompts")
    notes: LazyGroup[Notes] = LazyGroup(".resources.notes:Notes")
    users: LazyGroup[Users] = LazyGroup(".resources.users:Users")
    groups: LazyGroup[Groups] = LazyGroup(".resources.groups:Groups")

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

    def __repr__(self) -> str:
        auth = "key" if self._http.has_token else "no key"
        return f"<{type(self).__name__} {self.base_url} ({auth})>"

    @property
    def settings(self) -> Settings:
        """URL, credentials (hidden from the repr) and options; after `signin`, its token."""
        return self._http.settings

    @property
    def base_url(self) -> str:
        """The server's URL, without a trailing slash."""
        return self.settings.base_url

    def chat_url(self, chat_id: str) -> str:
        """Link to a chat in the web UI."""
        return f"{self.base_url}/c/{chat_id}"

    def __enter__(self) -> OpenWebUI:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool (``with`` does it on leaving the block)."""
        self._http.close()

    # -- server -------------------------------------------------------------------------

    def server_info(self, *, refresh: bool = False) -> ServerInfo:
        """The server's version and features (asked once, then cached)."""
        if self._server is None or refresh:
            from ..types import ServerInfo

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
        """The server's Open WebUI version (``"0.12.4"``), from ``/api/version``, cached."""
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
        """The signed-in user (id, name, email, role) the key or token belongs to."""
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
        self,
        model: str | None = None,
        *,
        chat_id: str | None = None,
        title: str | None = None,
        system: str | None = None,
        folder_id: str | None = None,
        tags: list[str] | None = None,
        auto_title: bool = False,
        auto_tags: bool = False,
        tool_ids: list[str] | None = None,
        follow_ups: bool = False,
        **params: Any,
    ) -> Chat:
        """A conversation: new, or the saved chat `chat_id` continued.

        ``params`` (``temperature=``, ``max_tokens=``, ...) go with every request.
        `auto_title` asks the server's title task for a title after the first answer;
        otherwise the title is `title` or the prompt's first words. `auto_tags` tags a new
        chat with the server's tags task. `tool_ids` are the server's tools (see
        ``client.tools``) the model may use on every turn; `follow_ups` asks the server for
        suggested next questions after each answer (``result.follow_ups``).
        """
        if model is None and chat_id is None:
            raise ConfigurationError("chat() needs a model, or chat_id= to continue a saved chat")
        from .chat import Chat

        return Chat(
            self,
            model,
            chat_id=chat_id,
            title=title,
            system=system,
            folder_id=folder_id,
            tags=tags,
            auto_title=auto_title,
            auto_tags=auto_tags,
            tool_ids=tool_ids,
            follow_ups=follow_ups,
            **params,
        )

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
        from .task_runner import TaskStream

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
