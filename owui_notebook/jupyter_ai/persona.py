"""The Open WebUI persona for Jupyter AI (``jupyter-ai-persona-manager``).

Select it in a JupyterLab chat (or @-mention it) and the answer streams into the chat from
the user's Open WebUI; each chat file is one Open WebUI chat. Found by the persona manager
through the ``jupyter_ai.personas`` entry point; nothing else in the toolkit imports this.
"""

from __future__ import annotations

import os
from pathlib import Path
from time import time
from typing import Any

from jupyter_ai_persona_manager import BasePersona, PersonaDefaults
from jupyter_ai_persona_manager.awareness_models import (
    CommandOption,
    ModelConfiguration,
    ModelOption,
)
from jupyterlab_chat.models import Message, NewMessage

from .commands import COMMANDS, strip_mention
from .context import attachment_context
from .session import STATE_KEY, ChatState, Session

__all__ = ["OpenWebUIPersona"]

AVATAR = str(Path(__file__).with_name("avatar.svg"))


class _ChatReplies:
    """`Replies` on a JupyterLab chat: messages from the persona, rewritten in place."""

    def __init__(self, persona: OpenWebUIPersona) -> None:
        self._persona = persona

    def new(self, body: str) -> str:
        return self._persona.chat.add_message(NewMessage(body=body, sender=self._persona.id))

    def update(self, message_id: str, body: str) -> None:
        self._persona.chat.update_message(
            Message(id=message_id, body=body, time=time(), sender=self._persona.id, raw_time=False)
        )


class OpenWebUIPersona(BasePersona):
    """Answers from the user's Open WebUI; one Open WebUI chat per JupyterLab chat file."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = Session(
            ChatState.from_metadata(self.chat.get_metadata()),
            _ChatReplies(self),
            self._remember,
        )

    @property
    def defaults(self) -> PersonaDefaults:
        return PersonaDefaults(
            name="Open WebUI",
            description="Answers from your Open WebUI server; each chat is saved there.",
            avatar_path=AVATAR,
            system_prompt="",  # the model's system prompt is the Open WebUI chat's
            slash_commands=set(COMMANDS),
        )

    async def prepare(self) -> None:
        """Advertise the commands and the server's models (never fails: a server that is
        down now is reported when a message arrives)."""
        self.report_slash_commands(
            [CommandOption(name=name, description=what) for name, what in COMMANDS.items()]
        )
        try:
            models = await self.session.models()
        except Exception:  # the first message reports it, in one line
            return
        self._report_models(models)

    async def process_message(self, message: Message) -> None:
        text = strip_mention(message.body, self.as_user().mention_name)
        root = self._root()
        context = attachment_context(self._attachments(message), root)
        self.set_status("is writing...")
        try:
            await self.session.handle(text, context)
        finally:
            self.clear_status()

    async def cancel_response(self) -> None:
        self.session.stop()

    async def update_model(self, model_id: str) -> None:
        """The chat input's model picker chose `model_id` for this chat."""
        reply = await self.session.set_model(model_id)
        if self.session.state.model != model_id:
            self.send_message(reply)

    async def handle_uncaught_exception(self, exc: Exception) -> None:
        # One line, no traceback: the server log has the rest (and a traceback could hold
        # request details the chat file would keep).
        self.log.exception(exc)
        self.send_message(f"⚠ {type(exc).__name__}: the answer failed; see the server log.")

    async def shutdown(self) -> None:
        await super().shutdown()
        await self.session.aclose()

    # -- helpers ----------------------------------------------------------------------------

    def _remember(self, state: ChatState) -> None:
        """Keep the state in the chat file's metadata (saved with the next message)."""
        self.chat.set_metadata(STATE_KEY, state.to_metadata())
        if state.model and state.model != self.get_model():
            self._report_models([o.id for o in self.get_model_configuration().options])

    def _report_models(self, models: list[str]) -> None:
        current = self.session.state.model
        options = [ModelOption(id=m) for m in models]
        if current and current not in models:
            options.insert(0, ModelOption(id=current))
        self.report_model_configuration(ModelConfiguration(current=current, options=options))

    def _root(self) -> str:
        """The server's root (the persona manager's), where attached paths start."""
        for owner in (self.parent, self.chat):
            root = getattr(owner, "root_dir", None)
            if root:
                return str(root)
        return os.getcwd()

    def _attachments(self, message: Message) -> list[Any]:
        if not message.attachments:
            return []
        known = self.chat.get_attachments()
        return [known[i] for i in message.attachments if i in known]
