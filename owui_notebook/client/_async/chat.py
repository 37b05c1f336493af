"""The conversation engine: a chat saved on the server, continued turn by turn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._backends import AsyncBackend
from ..chat_options import ChatOptions
from ..errors import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    OpenWebUIError,
    PermissionDeniedError,
)
from ..history import thread
from ..images import to_images
from ..turns import (
    Turn,
    TurnExtras,
    TurnRequest,
    chat_body,
    default_title,
    empty_history,
    graft,
    model_messages,
    task_messages,
)
from ..types import ChatRecord, ChatResult
from .chat_stream import AsyncChatStream
from .completion_stream import AsyncCompletionStream

if TYPE_CHECKING:
    from .client import AsyncOpenWebUI


class AsyncChat:
    """A conversation with one or more models, saved so the web UI shows it threaded.

    Nothing is sent until the first `send`/`stream`. Then each turn streams the answer
    from ``/api/chat/completions`` and saves the user message and the answers into the
    chat (created on the first turn), with usage and the client's own timings on each
    answer. Use `send_many`/`stream_many` to ask several models at once: the web UI shows
    their answers side by side.
    """

    def __init__(
        self,
        client: AsyncOpenWebUI,
        model: str | None = None,
        *,
        chat_id: str | None = None,
        options: ChatOptions | None = None,
    ) -> None:
        options = options or ChatOptions()
        self._client = client
        # The model of a turn that names none: the one the chat was made with, then the
        # model of its latest turn (as the saved chat's ``models`` says, so a chat reopened
        # by id goes on with the same model).
        self.model = model
        self.id = chat_id
        self.options = options
        # What the server may change or the chat learns as it goes; the rest stays in `options`.
        self.title = options.title
        self.system = options.system
        self.folder_id = options.folder_id
        self.tags = list(options.tags)
        self.history: dict[str, Any] = empty_history()
        self.record: ChatRecord | None = None
        self._loaded = chat_id is None
        # Turns whose save failed (server down or restarting): kept in `history` and saved
        # with the next turn, so an answer that arrived is never lost.
        self.unsaved: list[tuple[Turn, list[dict[str, Any]]]] = []
        # Another user's chat that this user may read but not change (an admin looking at
        # it, a read-only share): turns cannot be saved in it, so none is sent.
        self.read_only = False
        # Message id the model's context starts from (a summary of what came before, see
        # the task runner's summarize_history); None sends the whole thread.
        self.context_from: str | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.id!r} model={self.model!r} turns={self.turns}>"

    @property
    def url(self) -> str | None:
        """Link to the chat in the web UI (``None`` until the first turn is saved)."""
        return self._client.chat_url(self.id) if self.id else None

    @property
    def turns(self) -> int:
        return sum(1 for m in thread(self.history) if m.get("role") == "user")

    def messages(self) -> list[dict[str, Any]]:
        """The active thread, root first, as the web UI shows it."""
        return thread(self.history)

    async def load(self) -> AsyncChat:
        """Fetch the chat from the server (done automatically before the first turn)."""
        if self.id is None:
            self._loaded = True
            return self
        try:
            record = await self._client.chats.get(self.id)
        except NotFoundError:
            raise NotFoundError(
                f"no chat {self.id!r} on this server (or not yours); check the id",
                method="GET",
                path=f"/api/v1/chats/{self.id}",
                status_code=404,
            ) from None
        self._adopt(record)
        # 0.12+ says whether this user may write the chat ("continue") or only read it.
        if "share_mode" in record.chat and record.chat["share_mode"] is None:
            self.read_only = True
        models = record.chat.get("models") or []
        if self.model is None and models:
            self.model = models[0]
        if self.system is None:
            self.system = (record.chat.get("params") or {}).get("system") or record.chat.get(
                "system"
            )
        self._loaded = True
        return self

    def _adopt(self, record: ChatRecord) -> None:
        self.record = record
        self.id = record.id
        self.title = record.title or self.title
        self.folder_id = record.folder_id
        self.history = record.history

    # -- asking -------------------------------------------------------------------------

    async def send(self, prompt: str, *, model: str | None = None, **params: Any) -> ChatResult:
        """Ask one model and wait for the whole answer (saved in the chat).

        Per call, besides ``temperature=`` and the like: ``tool_ids=[...]`` (the server's
        tools the model may use this turn, instead of the chat's), ``images=`` (a path,
        bytes, PIL image or matplotlib figure, or a list of them) and ``follow_ups=True``
        (suggested next questions on ``result.follow_ups``).
        """
        async with self.stream(prompt, model=model, **params) as stream:
            async for _ in stream:
                pass
        return stream.result

    def stream(self, prompt: str, *, model: str | None = None, **params: Any) -> AsyncChatStream:
        """Ask one model; iterate the returned stream for text deltas as they arrive."""
        if self._loaded:  # a chat reopened by id takes its model from the saved chat
            self.model_for(model)
        return self._open(prompt, [model], multi=False, params=params)

    def model_for(self, model: str | None = None) -> str:
        """The model a turn asks: `model`, else the chat's (`ConfigurationError` if neither).

        The one place that decides it; the chat's model follows its latest turn.
        """
        chosen = model or self.model
        if not chosen:
            raise ConfigurationError("no model chosen: pass model=... to chat() or to this call")
        return chosen

    async def send_many(
        self, prompt: str, models: list[str], *, sequential: bool = False, **params: Any
    ) -> list[ChatResult]:
        """Ask several models the same prompt at once; one result per model, in order."""
        async with self.stream_many(prompt, models, sequential=sequential, **params) as stream:
            async for _ in stream:
                pass
        return stream.results

    def stream_many(
        self, prompt: str, models: list[str], *, sequential: bool = False, **params: Any
    ) -> AsyncChatStream:
        """Ask several models at once; iterate for `StreamDelta` items (model, index, text).

        `sequential` asks them one after another instead, for servers whose models share
        one GPU (concurrent requests there inflate each model's time to first token).
        """
        if not models:
            raise ConfigurationError("stream_many needs at least one model")
        if len(set(models)) != len(models):
            raise ConfigurationError("each model may appear only once in a comparison")
        return self._open(prompt, list(models), multi=True, params=params, sequential=sequential)

    def _open(
        self,
        prompt: str,
        models: list[str | None],
        *,
        multi: bool,
        params: dict[str, Any],
        sequential: bool = False,
    ) -> AsyncChatStream:
        if not isinstance(prompt, str) or not prompt.strip():
            raise ConfigurationError("the prompt is empty: write something to send")
        system = params.pop("system", None) or self.system
        extras = TurnExtras(
            tool_ids=_tool_list(params.pop("tool_ids", None), self.options.tool_ids),
            images=to_images(params.pop("images", None)),
            follow_ups=bool(params.pop("follow_ups", self.options.follow_ups)),
        )
        request = TurnRequest(prompt, models, system, {**self.options.params, **params}, extras)
        return AsyncChatStream(self, request, multi=multi, sequential=sequential)

    # -- a turn: what the stream asks of its chat --------------------------------------------

    async def _begin_turn(self, request: TurnRequest) -> tuple[Turn, list[AsyncCompletionStream]]:
        """Settle the turn's models and attachments; its streams, not yet started."""
        if not self._loaded:
            await self.load()
        if self.read_only:
            raise self._read_only_error()
        models = [self.model_for(m) for m in request.models]
        if len(models) == 1:  # a comparison shows a missing model in its column (`_explain`)
            await self._check_models(models)
        params = dict(request.params)
        # files= and knowledge= become the items the web UI attaches (paths are uploaded).
        client = self._client
        request.extras.tool_ids = await client.tools.check_ids(request.extras.tool_ids)
        attached = [
            *await client.files.attachments(params.pop("files", None)),
            *await client.knowledge.attachments(params.pop("knowledge", None)),
        ]
        if attached:
            params["files"] = attached
        images = request.extras.image_files()
        turn = Turn(
            prompt=request.prompt,
            models=models,
            parent_id=self.history.get("currentId"),
            files=[*(params.get("files") or []), *images],
        )
        messages = model_messages(
            self.history, request.system, request.prompt, images, start=self.context_from
        )
        params = request.extras.request_params(params)
        return turn, [client.completions.stream(m, messages, **params) for m in models]

    async def _check_models(self, models: list[str], *, fresh: bool = False) -> None:
        """`NotFoundError` naming the closest ids if the server lists no such model.

        Checked against the cached list (a miss, or `fresh`, asks the server again, since
        models come and go); if the server cannot list them, the server decides.
        """
        names = {} if fresh else await self._client._model_names()
        for model in models:
            if model in names:
                continue
            try:
                await self._client.models.get(model)  # names the closest models
            except NotFoundError:
                raise
            except OpenWebUIError:
                return
            self._client._names = None  # a model new since the list was cached

    async def _explain(self, error: BaseException, model: str) -> BaseException:
        """The server's bare "Model not found" as an error naming the closest models."""
        if not (isinstance(error, APIStatusError) and error.status_code in (400, 404)):
            return error
        if "model not found" not in str(error.detail).lower():
            return error
        try:
            await self._check_models([model], fresh=True)
        except NotFoundError as missing:
            return missing
        return error

    async def _end_turn(self, turn: Turn, results: list[ChatResult], *, follow_ups: bool) -> None:
        """Save a turn that produced something (however it ended), then the niceties."""
        self.model = turn.models[0]  # in `history` from here on, saved now or later
        created = self.id is None
        # A second Ctrl-C (or a cancellation) waits for the save instead of cutting it; the
        # results carry the chat id only once the turn is saved.
        await AsyncBackend.protected(self._commit, turn, results)
        if created:
            await self._describe_new_chat(turn.models[0])
        if follow_ups:
            await self._add_follow_ups(results)

    # -- saving -------------------------------------------------------------------------

    async def _commit(self, turn: Turn, results: list[ChatResult]) -> str:
        """Save a finished turn (and any earlier turn whose save failed); returns the chat id.

        Each result gets the chat id once the turn is saved (``chat_id`` None means: not
        saved). If the save fails or is cut (Ctrl-C past the grace, a cancellation), the
        turn stays in `history` and in `unsaved`, and the next turn's save carries it; in
        a chat that is read-only for this user it is dropped, since no save can succeed.
        """
        names = await self._client._model_names()
        answers = [turn.assistant_message(r, names.get(r.model, r.model)) for r in results]
        pending = [*self.unsaved, (turn, answers)]
        created = self.id is None
        try:
            chat_id = await self._save_turns(pending)
        except (AuthenticationError, PermissionDeniedError) as exc:
            if created or exc.method != "POST":
                self._keep(pending, turn, answers, exc)
                raise
            # The server let us read this chat but refuses to change it: another user's.
            # No later save can succeed, so the turn is not kept for one.
            self.read_only = True
            raise self._read_only_error(exc, "this answer was not saved") from None
        except OpenWebUIError as exc:
            self._keep(pending, turn, answers, exc)
            raise
        except BaseException:  # Ctrl-C past the grace, or a cancellation: not saved
            self._keep(pending, turn, answers, None)
            raise
        self.unsaved = []
        for result in results:
            result.chat_id = chat_id
        if created:
            for tag in self.tags:
                await self._client.chats.add_tag(chat_id, tag)
        return chat_id

    def _keep(
        self,
        pending: list[tuple[Turn, list[dict[str, Any]]]],
        turn: Turn,
        answers: list[dict[str, Any]],
        error: OpenWebUIError | None,
    ) -> None:
        """Keep an unsaved turn for the next save, and say so in `error`."""
        self.unsaved = pending
        self.history = graft(self.history, turn, answers)
        if error is not None:
            error.message = (
                f"{error.message}; the answer could not be saved yet: it is kept and will be "
                "saved with the next turn"
            )
            error.args = (error.message,)

    def _read_only_error(
        self, cause: APIStatusError | None = None, outcome: str = "nothing was sent"
    ) -> PermissionDeniedError:
        """One line for a turn in a chat this user may read but not change."""
        return PermissionDeniedError(
            f"chat {self.id} is read-only for you (another user's chat, which you may read "
            f"but not change): {outcome}; start a new chat to go on",
            method=cause.method if cause else "POST",
            path=cause.path if cause else f"/api/v1/chats/{self.id}",
            status_code=cause.status_code if cause else 401,
            detail=cause.detail if cause else None,
        )

    async def _save_turns(self, pending: list[tuple[Turn, list[dict[str, Any]]]]) -> str:
        """Merge `pending` turns into the server's latest copy (or a new chat); the chat id."""
        turn = pending[-1][0]
        chats = self._client.chats
        if self.id is None:
            title = self.title or default_title(pending[0][0].prompt)
            history = empty_history()
            for done, answers in pending:
                history = graft(history, done, answers)
            body = chat_body(
                history,
                title=title,
                models=turn.models,
                system=self.system,
                params=self.options.params,
            )
            if self.tags:
                body["tags"] = list(self.tags)
            # The id is taken the moment the server answers, before anything else (moving
            # the chat into its folder on old servers) can fail or be cut.
            record = await chats.create(body, folder_id=self.folder_id, created=self._adopt)
            self._adopt(record)
            return record.id
        # Someone may have continued the chat in the web UI since we last looked: graft onto
        # the server's copy so nothing saved there is overwritten.
        latest = await chats.get(self.id)
        history = latest.history
        for done, answers in pending:
            history = graft(history, done, answers)
        update = {"history": history, "messages": thread(history), "models": turn.models}
        self._adopt(await chats.update(self.id, update))
        return self.id

    async def _describe_new_chat(self, model: str) -> None:
        """Title and tag a chat just created, with the server's tasks (niceties: their
        failures never touch the saved turn)."""
        if self.options.auto_title and self.options.title is None:
            await self._generate_title(model)
        if self.options.auto_tags:
            await self._generate_tags(model)

    async def _generate_title(self, model: str) -> None:
        messages = task_messages(thread(self.history))
        try:
            title = await self._client.tasks.title(model, messages, chat_id=self.id)
        except Exception:  # a title is a nicety: never lose the saved turn over it
            return
        if title and self.id:
            self._adopt(await self._client.chats.rename(self.id, title))

    async def _generate_tags(self, model: str) -> None:
        """Tag a new chat as the web UI does, with the server's tags task."""
        try:
            messages = task_messages(thread(self.history))
            tags = await self._client.tasks.tags(model, messages, chat_id=self.id)
            for tag in tags:
                if self.id and tag not in self.tags:
                    await self._client.chats.add_tag(self.id, tag)
                    self.tags.append(tag)
        except Exception:  # tags are a nicety: never lose the saved turn over them
            return

    async def _add_follow_ups(self, results: list[ChatResult]) -> None:
        """Ask the server's follow-up task for each finished answer; kept on the result and
        on the saved answer (``followUps``), where the web UI shows them as suggestions."""
        found: dict[str, list[str]] = {}
        for result in results:
            if not result.ok or not result.content:
                continue
            messages = task_messages(thread(self.history, result.message_id))
            try:
                result.follow_ups = await self._client.tasks.follow_ups(
                    result.model, messages, chat_id=self.id
                )
            except OpenWebUIError:
                continue  # suggestions are a nicety; the answer itself is saved
            if result.follow_ups:
                found[result.message_id] = result.follow_ups
        if not found or not self.id:
            return
        try:
            latest = await self._client.chats.get(self.id)
            history = latest.history
            for message_id, suggestions in found.items():
                if message_id in history.get("messages", {}):
                    history["messages"][message_id]["followUps"] = suggestions
            update = {"history": history, "messages": thread(history)}
            self._adopt(await self._client.chats.update(self.id, update))
        except OpenWebUIError:
            return  # the suggestions stay on the results; the answer is saved already

    async def rate(self, result: ChatResult, rating: int, **kw: Any) -> Any:
        """Rate an answer of this chat (+1/-1); see `evaluations.rate`."""
        siblings = [
            m.get("model")
            for m in self.history.get("messages", {}).values()
            if m.get("parentId") == result.parent_id and m.get("id") != result.message_id
        ]
        return await self._client.evaluations.rate(
            chat_id=result.chat_id or self.id or "",
            message_id=result.message_id,
            model=result.model,
            rating=rating,
            sibling_models=[s for s in siblings if s],
            **kw,
        )


def _tool_list(given: Any, default: list[str]) -> list[str]:
    """``tool_ids=`` as a list of ids (one id may be given as a string)."""
    if given is None:
        return list(default)
    ids = [given] if isinstance(given, str) else list(given)
    if not all(isinstance(i, str) and i for i in ids):
        raise ConfigurationError("tool_ids must be tool id strings, e.g. tool_ids=['calculator']")
    return ids
