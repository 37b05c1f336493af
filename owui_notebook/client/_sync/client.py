# Generated from owui_notebook/client/_async/client.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""The client: connection settings, server version, and the resource groups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from .._lazy import LazyGroup
from .._settings import DEFAULT_MAX_ITERATIONS, DEFAULT_RESEARCH_STEPS, Settings
from ..errors import ConfigurationError, NotFoundError, UnexpectedResponseError
from ..features import has_feature, require_feature
from ._http import HTTP

# What a caller does not touch is not imported: `from owui_notebook.client import OpenWebUI`
# must stay as cheap as the lightest peer client (bench/peers, tests/unit/test_layers.py).
# Resource groups load on first access (`LazyGroup`); the chat engine, the task runner and
# the typed models (pydantic) load in the methods that use them.
if TYPE_CHECKING:
    from ..chat_metadata import ChatMetadata
    from ..research_types import ResearchResult
    from ..task_types import TaskResult
    from ..types import ChatRecord, ServerInfo, SessionUser
    from .chat import Chat
    from .research import ResearchStream
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
    from .resources.tool_servers import ToolServers
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
    tool_servers: LazyGroup[ToolServers] = LazyGroup(
        ".resources.tool_servers:ToolServers"
    )
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
        self, model: str | None = None, *, chat_id: str | None = None, **options: Any
    ) -> Chat:
        """A conversation with `model`: new, or the saved chat `chat_id` continued.

        `options` are `ChatOptions` by name: ``title=``, ``system=``, ``folder_id=``,
        ``tags=``, ``auto_title=``, ``auto_tags=``, ``tool_ids=``, ``follow_ups=``; any
        other keyword (``temperature=``, ``max_tokens=``, ...) goes with every request.
        """
        if model is None and chat_id is None:
            raise ConfigurationError("chat() needs a model, or chat_id= to continue a saved chat")
        from ..chat_options import ChatOptions
        from .chat import Chat

        return Chat(self, model, chat_id=chat_id, options=ChatOptions.of(**options))

    # -- tasks --------------------------------------------------------------------------

    def stream_task(
        self,
        question: str,
        model: str,
        *,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
        tool_ids: list[str] | None = None,
        tool_server_ids: list[str] | str | None = None,
        knowledge: Any = None,
        decision_model: str | None = None,
        system: str | None = None,
        title: str | None = None,
        folder_id: str | None = None,
        tags: list[str] | None = None,
        summarize_history: bool = False,
        summary_after: int | None = None,
        **params: Any,
    ) -> TaskStream:
        """Work through `question` in steps with `model`; iterate for the steps as they stream.

        Each iteration the model answers with a step: its thought, the updated to-do list,
        new key findings, and a next action, options or the final answer. When a step
        offers options, `decision_model` picks one. At most `max_iterations` steps; the
        whole run is saved as one chat. `tool_ids` and `knowledge` (and ``temperature=``
        and the like) go with the working model's requests; so do the tool servers
        `tool_server_ids` names (ids, ``server:`` tool ids or names, checked when the run
        starts). `summarize_history` keeps long runs within the model's context: once the
        context passes `summary_after` characters (8,000), the run so far is summarised as a
        turn of the chat and later steps are sent the summary instead of the earlier steps.
        See `TaskStream`.
        """
        from .task_runner import TaskStream

        servers = [tool_server_ids] if isinstance(tool_server_ids, str) else tool_server_ids
        summary = {} if summary_after is None else {"summary_after": summary_after}
        extra = {"tool_ids": tool_ids, "knowledge": knowledge, "tool_servers": servers}
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
            summarize_history=summarize_history,
            **summary,
        )

    def run_task(
        self,
        question: str,
        model: str,
        *,
        max_iterations: int = DEFAULT_MAX_ITERATIONS,
        tool_ids: list[str] | None = None,
        tool_server_ids: list[str] | str | None = None,
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
            tool_server_ids=tool_server_ids,
            knowledge=knowledge,
            decision_model=decision_model,
            **options,
        ) as stream:
            return stream.until_done()

    # -- research -----------------------------------------------------------------------

    def stream_research(
        self,
        topic: str,
        *,
        num_steps: int = DEFAULT_RESEARCH_STEPS,
        general_models: list[str],
        search_models: list[str] | None = None,
        knowledge: Any = None,
        tool_ids: list[str] | None = None,
        files: Any = None,
        system: str | None = None,
        title: str | None = None,
        folder_id: str | None = None,
        tags: list[str] | None = None,
        **params: Any,
    ) -> ResearchStream:
        """Research `topic` in `num_steps` planned steps, then a report; iterate for events.

        Each step the first general model picks the next question and whether a general or
        a search-capable model answers it; that model answers (models of a type take turns).
        `knowledge`, `tool_ids` and `files` go with the search models' questions (with every
        question when there are no search models): their citations are each step's
        ``sources``. Then the first general model writes the report. The whole run is one
        saved chat (title: `title`, else ``Deep Dive: <topic>``). See `ResearchStream`.
        """
        search = {"knowledge": knowledge, "tool_ids": tool_ids, "files": files}
        from .research import ResearchStream

        return ResearchStream(
            self,
            topic,
            num_steps=num_steps,
            general_models=general_models,
            search_models=search_models,
            search_params=search,
            system=system,
            title=title,
            folder_id=folder_id,
            tags=tags,
            params=params,
        )

    def deep_research(
        self,
        topic: str,
        *,
        num_steps: int = DEFAULT_RESEARCH_STEPS,
        general_models: list[str],
        search_models: list[str] | None = None,
        **options: Any,
    ) -> ResearchResult:
        """`stream_research` run to its end: the `ResearchResult` (steps with their questions,
        models, answers and sources, the report, the saved chat's id, and how it ended)."""
        with self.stream_research(
            topic,
            num_steps=num_steps,
            general_models=general_models,
            search_models=search_models,
            **options,
        ) as stream:
            return stream.until_done()

    # -- chat metadata ------------------------------------------------------------------

    def update_chat_metadata(
        self,
        chat_id: str,
        *,
        regenerate_title: bool = False,
        regenerate_tags: bool = False,
        title: str | None = None,
        tags: list[str] | None = None,
        folder: str | None = None,
        model: str | None = None,
    ) -> ChatMetadata:
        """Regenerate a saved chat's title and/or tags with the server's tasks, or set them
        (and its folder, by name) in one call; see ``_async/chat_metadata.py``."""
        from . import chat_metadata

        return chat_metadata.update_chat_metadata(
            self,
            chat_id,
            regenerate_title=regenerate_title,
            regenerate_tags=regenerate_tags,
            title=title,
            tags=tags,
            folder=folder,
            model=model,
        )

    def switch_chat_model(self, chat_id: str, models: str | list[str]) -> ChatRecord:
        """Make `models` (one id or several) a saved chat's model(s); its history is kept."""
        from . import chat_metadata

        return chat_metadata.switch_chat_model(self, chat_id, models)
