"""The ``%owui`` line magic and ``%%owui`` cell magic: parse, dispatch, show."""

from __future__ import annotations

from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand

from . import asking, listings, research, saved_prompts, task
from .errors import user_errors
from .options import CELL_SUBCOMMANDS, help_text, parse
from .prompt import expand_line, fill
from .session import Session


@magics_class
class OwuiMagics(Magics):
    """``%owui`` and ``%%owui``: Open WebUI from the notebook."""

    def __init__(self, shell: Any) -> None:
        super().__init__(shell)
        self.session = Session()

    @property
    def _ns(self) -> dict[str, Any]:
        """The notebook's variables (a magic always runs in a shell)."""
        if self.shell is None:
            raise UsageError("%owui runs only inside IPython")
        ns: dict[str, Any] = self.shell.user_ns
        return ns

    @no_var_expand  # IPython's expansion would evaluate {In}, {_oh} or any expression
    @line_cell_magic
    def owui(self, line: str, cell: str | None = None) -> Any:
        line = expand_line(line, self._ns)
        sub, _, rest = line.strip().partition(" ")
        sub = sub or "help"
        args = parse(sub, rest)
        if sub in CELL_SUBCOMMANDS and cell is None:
            raise UsageError(
                f"{sub} is a cell magic: put %%owui {sub} on the first line of a cell "
                "and the prompt below it"
            )
        if cell is not None and sub not in CELL_SUBCOMMANDS:
            raise UsageError(f"%%owui {sub} takes no cell: use the line form, %owui {sub}")
        with user_errors():
            return self._run(sub, args, cell)

    def _run(self, sub: str, args: Any, cell: str | None) -> Any:
        session = self.session
        if sub == "help":
            print(help_text(args.topic))
            return None
        if sub == "connect":
            session.connect(args.url, args.key_env)
            print(listings.status_line(session))
            return None
        if sub == "status":
            print(listings.status_line(session))
            return None
        if sub == "task":
            question = fill(cell or "", self._ns).strip()
            if not question:
                raise UsageError("the cell is empty: write the task below %%owui task")
            task.run_task(session, args, question, self.shell)
            return None
        if sub == "research":
            topic = fill(cell or "", self._ns).strip()
            if not topic:
                raise UsageError("the cell is empty: write the topic below %%owui research")
            research.run_research(session, args, topic, self.shell)
            return None
        if sub in ("chat", "compare"):
            prompt = fill(cell or "", self._ns).strip()
            if not prompt:
                raise UsageError(f"the cell is empty: write the prompt below %%owui {sub}")
            if sub == "chat":
                asking.run_chat(session, args, prompt, self.shell)
                return None
            return asking.run_compare(session, args, prompt, self.shell)
        if sub == "use":
            session.require_client()
            session.model = session.check_model(args.model)
            if session.chat is not None:
                session.chat.model = session.model
            return None
        if sub == "new":
            session.start_new = True
            return None
        if sub == "note":
            return saved_prompts.save_note(session, args, self._ns)
        if sub == "open":
            return listings.open_link(session)
        if sub == "kb":
            return asking.knowledge_listing(session, args)
        if sub == "tools":
            from ..frames import tools_frame

            return tools_frame(session.require_client())
        return getattr(listings, sub)(session, args)


OwuiMagics.owui.__doc__ = help_text()
