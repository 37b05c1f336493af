"""The client: connection settings, server version, and the resource groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from .._lazy import LazyGroup
from .._settings import DEFAULT_MAX_ITERATIONS, Settings
from ..errors import ConfigurationError, NotFoundError, UnexpectedResponseError
from ..features import has_feature, require_feature
from ._http import AsyncHTTP

# What a caller does not touch is not imported: `from owui_notebook.client import OpenWebUI`
# must stay as cheap as the lightest peer client (bench/peers, tests/unit/test_layers.py).
# Resource groups load on first access (`LazyGroup`); the chat engine, the task runner and
# the typed models (pydantic) load in the methods that use them.
if TYPE_CHECKING:
    from ..task_types import TaskResult
    from ..types import ServerInfo, SessionUser
    from .chat import AsyncChat
    from .resources.analytics import AsyncAnalytics
    from .resources.auths import AsyncAuths
    from .resources.chats import AsyncChats
    from .resources.completions import AsyncCompletions
    from .resources.evaluations import AsyncEvaluations
    from .resources.files import AsyncFiles
    from .resources.folders import AsyncFolders
    from .resources.groups import AsyncGroups
    from .resources.knowledge import AsyncKnowledge
    from .resources.models import AsyncModels
    from .resources.notes import AsyncNotes
    from .resources.prompts import AsyncPrompts
    from .resources.stats import AsyncStats
    from .resources.tags import AsyncTags
    from .resources.tasks import AsyncTasks
    from .resources.tools import AsyncTools
    from .resources.users import AsyncUsers
    from .task_runner import AsyncTaskStream


class AsyncOpenWebUI:
    """Client for an Open WebUI server.

        async with AsyncOpenWebUI("http://localhost:8080", api_key="sk-...") as client:
            chat = client.chat("llama3")
            result = await chat.send("Hello")

    `base_url` and `api_key` default to ``$OWUI_URL`` and ``$OWUI_API_KEY``. The key may be an
    API key or a JWT; or call `signin` instead. Resource groups follow the server's URL
    families: ``client.chats``, ``client.models``, ``client.stats``, ...; each is made the
    first time it is touched.
    """

    auths: LazyGroup[AsyncAuths] = LazyGroup(".resources.auths:AsyncAuths")
    models: LazyGroup[AsyncModels] = LazyGroup(".resources.models:AsyncModels")
    chats: LazyGroup[AsyncChats] = LazyGroup(".resources.chats:AsyncChats")
    folders: LazyGroup[AsyncFolders] = LazyGroup(".resources.folders:AsyncFolders")
    tags: LazyGroup[AsyncTags] = LazyGroup(".resources.tags:AsyncTags")
    files: LazyGroup[AsyncFiles] = LazyGroup(".resources.files:AsyncFiles")
    knowledge: LazyGroup[AsyncKnowledge] = LazyGroup(".resources.knowledge:AsyncKnowledge")
    tasks: LazyGroup[AsyncTasks] = LazyGroup(".resources.tasks:AsyncTasks")
    tools: LazyGroup[AsyncTools] = LazyGroup(".resources.tools:AsyncTools")
    stats: LazyGroup[AsyncStats] = LazyGroup(".resources.stats:AsyncStats")
    analytics: LazyGroup[AsyncAnalytics] = LazyGroup(".resources.analytics:AsyncAnalytics")
    evaluations: LazyGroup[AsyncEvaluations] = LazyGroup(".resources.evaluations:AsyncEvaluations")
    completions: LazyGroup[AsyncCompletions] = LazyGroup(".resources.completions:AsyncCompletions")
    prompts: LazyGroup[AsyncPrompts] = LazyGroup(".resources.prompts:AsyncPrompts")
    notes: LazyGroup[AsyncNotes] = LazyGroup(".resources.notes:AsyncNotes")
    users: LazyGroup[AsyncUsers] = LazyGroup(".resources.users:AsyncUsers")
    groups: LazyGroup[AsyncGroups] = LazyGroup(".resources.groups:AsyncGroups")

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int = 2,
        verify: bool | str = True,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        settings = Settings.resolve(
            base_url, api_key, timeout=timeout, max_retries=max_retries, verify=verify
        )
        self._http = AsyncHTTP(settings, http_client=http_client, transport=transport)
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

    async def __aenter__(self) -> AsyncOpenWebUI:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool (``async with`` does it on leaving the block)."""
        await self._http.aclose()

    # -- server -------------------------------------------------------------------------

    async def server_info(self, *, refresh: bool = False) -> ServerInfo:
        """The server's version and features (asked once, then cached)."""
        if self._server is None or refresh:
            from ..types import ServerInfo

            try:
                version = await self._http.request("GET", "/api/version")
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
            config: Any = await self._http.request("GET", "/api/config")
            config = config if isinstance(config, dict) else {}
            self._server = ServerInfo(
                version=str(version["version"]),
                name=config.get("name"),
                features=config.get("features") or {},
                default_models=config.get("default_models"),
            )
        return self._server

    async def version(self) -> str:
        """The server's Open WebUI version (``"0.12.4"``), from ``/api/version``, cached."""
        return (await self.server_info()).version

    async def has(self, feature: str) -> bool:
        """Whether the server's version has `feature` (see ``owui_notebook.client.features``)."""
        return has_feature(await self.version(), feature)

    async def require(self, feature: str) -> None:
        """Raise `UnsupportedFeatureError` ("needs Open WebUI >= X") if the server lacks it."""
        require_feature(await self.version(), feature)

    async def signin(self, email: str, password: str) -> SessionUser:
        """Sign in with email and password instead of an API key."""
        return await self.auths.signin(email, password)

    async def me(self) -> SessionUser:
        """The signed-in user (id, name, email, role) the key or token belongs to."""
        return await self.auths.me()

    async def _model_names(self) -> dict[str, str]:
        if self._names is None:
            try:
                self._names = {m.id: m.display_name for m in await self.models.list()}
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
    ) -> AsyncChat:
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
        from .chat import AsyncChat

        return AsyncChat(
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
    ) -> AsyncTaskStream:
        """Work through `question` in steps with `model`; iterate for the steps as they stream.

        Each iteration the model answers with a step: its thought, the updated to-do list,
        new key findings, and a next action, options or the final answer. When a step
        offers options, `decision_model` picks one. At most `max_iterations` steps; the
        whole run is saved as one chat. `tool_ids` and `knowledge` (and ``temperature=``
        and the like) go with the working model's requests. See `AsyncTaskStream`.
        """
        from .task_runner import AsyncTaskStream

        extra = {"tool_ids": tool_ids, "knowledge": knowledge}
        return AsyncTaskStream(
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

    async def run_task(
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
        async with self.stream_task(
            question,
            model,
            max_iterations=max_iterations,
            tool_ids=tool_ids,
            knowledge=knowledge,
            decision_model=decision_model,
            **options,
        ) as stream:
            return await stream.until_done()
