"""``%%owui chat`` and ``%%owui compare``: send the cell, stream the answers, keep the chat."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from ..render import AnswerDisplay, ComparisonDisplay, answer_code, answer_json
from . import extras, saved_prompts

if TYPE_CHECKING:
    from ..client import Chat, ChatResult, KnowledgeBase
    from .session import Session


NO_MODEL = "no model chosen: pass -m MODEL or run %owui use MODEL"


def request_params(args: argparse.Namespace) -> dict[str, Any]:
    """The per-request options the cell gave (None means: the server's default)."""
    params = {"temperature": args.temperature, "max_tokens": args.max_tokens}
    return {k: v for k, v in params.items() if v is not None}


def conversation(session: Session, args: argparse.Namespace) -> Chat:
    """The chat this cell continues, or a new one.

    A cell continues the current chat unless ``--new`` or ``%owui new``; ``--chat``
    reopens a saved one. A new chat starts with ``-m``, else the session's model (``%owui
    use``, or the server's default at connect); which model a later turn asks, the chat
    decides (`model_for`): ``-m``, else the chat's latest.
    """
    client = session.require_client()
    if args.chat and args.new:
        raise UsageError("--new and --chat contradict each other: keep one")
    if args.chat:
        return session.find_chat(args.chat)
    if session.chat is not None and not session.start_new and not args.new:
        return session.chat
    if not (args.model or session.model):
        raise UsageError(NO_MODEL)
    folder_id = client.folders.ensure(args.folder).id if args.folder else None
    auto = not getattr(args, "no_auto", False)
    return client.chat(
        args.model or session.model,
        system=args.system,
        folder_id=folder_id,
        tags=args.tag,
        auto_title=auto,
        auto_tags=auto,
    )


def require_model(chat: Chat, model: str | None) -> None:
    """One line when neither ``-m`` nor the chat names a model (the chat decides which)."""
    from ..client.errors import ConfigurationError

    try:
        chat.model_for(model)
    except ConfigurationError:
        raise UsageError(NO_MODEL) from None


def file_away(session: Session, chat: Chat, args: argparse.Namespace) -> None:
    """Apply --folder and --tag to a chat that already existed before this cell."""
    client = session.require_client()
    if not chat.id:
        return
    if args.folder and (chat.folder_id is None or _folder_name(session, chat) != args.folder):
        folder = client.folders.ensure(args.folder)
        client.chats.move_to_folder(chat.id, folder.id)
        chat.folder_id = folder.id
    for tag in args.tag:
        if tag not in chat.tags:
            client.chats.add_tag(chat.id, tag)
            chat.tags.append(tag)


def _folder_name(session: Session, chat: Chat) -> str | None:
    try:
        return session.require_client().folders.get(chat.folder_id or "").name
    except Exception:
        return None


def attachments(session: Session, paths: list[str]) -> list[dict[str, Any]]:
    """Upload each file and describe it as the web UI does for a chat message."""
    client = session.require_client()
    for raw in paths:
        if not Path(raw).expanduser().is_file():
            raise UsageError(f"--file {raw}: no such file (paths are relative to {Path.cwd()})")
    return client.files.attachments([Path(raw).expanduser() for raw in paths])


def knowledge_bases(session: Session, names: list[str]) -> list[KnowledgeBase]:
    """Each ``--kb`` name or id as a knowledge base, checked before anything is sent.

    An unknown name is one line naming the closest ones (the client's `NotFoundError`).
    """
    client = session.require_client()
    return [client.knowledge.get(name) for name in dict.fromkeys(names)]


def knowledge_listing(session: Session, args: argparse.Namespace) -> Any:
    """``%owui kb``: the knowledge bases; ``%owui kb NAME`` or ``--files``: their files."""
    from ..frames import knowledge_files_frame, knowledge_frame

    client = session.require_client()
    if args.name or args.files:
        return knowledge_files_frame(client, args.name)
    return knowledge_frame(client)


def run_chat(session: Session, args: argparse.Namespace, prompt: str, shell: Any) -> ChatResult:
    """Ask, stream into the output, save; then act on --format and -o."""
    prompt = saved_prompts.expand_cell(session, prompt, shell.user_ns)  # "/command ..."
    chat = conversation(session, args)
    require_model(chat, args.model)
    existed = chat.id is not None
    params = request_params(args)
    if args.system and existed:
        params["system"] = args.system
    if args.file:
        params["files"] = attachments(session, args.file)
    if args.kb:
        params["knowledge"] = knowledge_bases(session, args.kb)
    if args.tool:
        params["tool_ids"] = extras.tool_ids(session, args.tool)
    if args.image:
        params["images"] = extras.images(args.image, shell.user_ns)
    if args.follow_ups:
        params["follow_ups"] = True
    view = AnswerDisplay(args.format)
    # The chat becomes current before sending: an interrupt still leaves it continuable.
    session.chat, session.start_new = chat, False
    stream = chat.stream(prompt, model=args.model, **params)
    if not args.no_stream:
        view.start()
    try:
        # Leaving the `with` closes the stream, which saves the turn, before the final render,
        # also when Ctrl-C lands in the display code rather than in the stream.
        with stream:
            for delta in stream:
                if not args.no_stream:
                    view.feed(delta)
    finally:
        _finish(session, view, stream, chat, shell)
    result = stream.result
    if existed:
        file_away(session, chat, args)
    publish(session, shell, result, args)
    return result


def _finish(session: Session, view: AnswerDisplay, stream: Any, chat: Chat, shell: Any) -> None:
    """The final render, however the stream ended (the engine has saved the turn by now).

    After Ctrl-C too: the partial answer shows as stopped and ``_owui`` holds it.
    """
    result = stream.results[0] if stream.results else None
    if result is not None:
        session.last = shell.user_ns["_owui"] = result
    if result is not None and (result.content or result.error or result.stopped):
        view.finish(result, url=chat.url)
    elif view.text:
        view.finish(None, url=chat.url)
    unsaved_note(chat, stream)


def unsaved_note(chat: Chat, stream: Any) -> None:
    """One line when a stopped turn is not on the server: cut by a further Ctrl-C that
    waited past the save's grace. (A failed save says the same in its error.)"""
    if not any(r.stopped and r.content and not r.chat_id for r in stream.results):
        return
    if any(turn is stream.turn for turn, _ in chat.unsaved):
        print("⏹ this turn is not saved yet: it is kept and will be saved with the next turn")
    else:
        print("⏹ this turn was not saved")


def publish(session: Session, shell: Any, result: ChatResult, args: argparse.Namespace) -> None:
    """``_owui``, ``-o VAR`` and ``--format code``/``json``."""
    ns = shell.user_ns
    value: Any = result.content
    if args.format == "json":
        try:
            value = answer_json(result.content)
        except ValueError:
            if args.output:
                ns[args.output] = result.content
            raise UsageError(
                "the answer is not valid JSON (it is saved, and shown above); "
                "ask again, e.g. 'Answer with JSON only'"
            ) from None
    if args.output:
        ns[args.output] = value
    if args.format == "code" and result.content.strip():
        shell.set_next_input(answer_code(result.content), replace=False)


def run_compare(session: Session, args: argparse.Namespace, prompt: str, shell: Any) -> Any:
    """Ask several models in one new multi-model chat; returns the metrics DataFrame."""
    from ..render import metrics_frame

    client = session.require_client()
    prompt = saved_prompts.expand_cell(session, prompt, shell.user_ns)  # "/command ..."
    models = list(dict.fromkeys(args.models))
    if len(models) < 2:
        raise UsageError("compare needs at least two models: -m alpha,beta")
    for model in models:  # all or nothing here; the engine would show a missing one in its column
        session.check_model(model)
    folder_id = client.folders.ensure(args.folder).id if args.folder else None
    chat = client.chat(
        models[0], system=args.system, folder_id=folder_id, tags=args.tag, auto_title=True
    )
    view = ComparisonDisplay(models)
    view.start()
    params = request_params(args)
    if args.kb:
        params["knowledge"] = knowledge_bases(session, args.kb)
    stream = chat.stream_many(prompt, models, sequential=args.sequential, **params)
    try:
        with stream:
            for delta in stream:
                view.feed(delta.index, delta.text)
    finally:
        for i, error in enumerate(stream.errors):
            if error is not None:
                view.errors[i] = str(error)
        if stream.results:
            session.chat, session.start_new = chat, False
            session.last = stream.results[0]
            shell.user_ns["_owui"] = stream.results
        view.finish(list(stream.results) or None, url=chat.url)
        unsaved_note(chat, stream)
    results = stream.results
    if args.output:
        shell.user_ns[args.output] = {r.model: r.content for r in results}
    frame = metrics_frame(results)
    return frame.drop(columns=["chat_id", "message_id"]).set_index("model")
