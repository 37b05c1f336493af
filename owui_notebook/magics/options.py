"""The options of every ``%owui`` subcommand, parsed with IPython's `magic_arguments`.

Each subcommand is a decorated stub whose docstring becomes its help; `full_help` joins them
into the text that ``%owui?`` and ``%owui help`` show.
"""

from __future__ import annotations

import argparse
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments
from IPython.utils.process import arg_split

from ..render.views import FORMATS


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number of at least 1")
    return value


def _temperature(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 2:
        raise argparse.ArgumentTypeError("must be between 0 and 2")
    return value


def _model_list(text: str) -> list[str]:
    return [m.strip() for m in text.split(",") if m.strip()]


def _generation(func: Any) -> Any:
    """Options shared by chat and compare: how to ask, and where the chat is filed."""
    for deco in reversed(
        [
            argument("--system", metavar="TEXT", help="system prompt for this chat"),
            argument("--temperature", type=_temperature, metavar="T", help="0 to 2"),
            argument("--max-tokens", type=_positive_int, metavar="N", help="answer length cap"),
            argument("--folder", metavar="NAME", help="file the chat in this folder (made if new)"),
            argument(
                "--tag", action="append", default=[], metavar="NAME", help="tag the chat (repeat)"
            ),
        ]
    ):
        func = deco(func)
    return func


@magic_arguments(name="owui connect")
@argument("url", nargs="?", help="server URL (default: $OWUI_URL)")
@argument(
    "--key-env",
    metavar="VAR",
    help="environment variable holding the API key (default: OWUI_API_KEY, else a prompt)",
)
def connect() -> None:
    """Connect to an Open WebUI server and show its version, your user and the default model.

    The key (Settings › Account › API keys in the web UI, or a JWT) is read from the
    environment or typed into a hidden prompt; it is never shown or stored in the notebook.
    """


@magic_arguments(name="owui chat")
@argument("-m", "--model", help="model id for this cell (default: the chat's, or %%owui use)")
@argument("--new", action="store_true", help="start a new chat instead of continuing")
@argument("--chat", metavar="ID_OR_TITLE", help="continue a saved chat (id or exact title)")
@_generation
@argument(
    "--format",
    choices=FORMATS,
    default="markdown",
    help="markdown (default); text; code (put its code in a new cell below); "
    "json (-o gets the parsed value); html (shown in a locked-down frame)",
)
@argument("-o", "--output", metavar="VAR", help="store the answer text in this variable")
@argument("--no-stream", action="store_true", help="show the answer only when it is complete")
@argument("--file", action="append", default=[], metavar="PATH", help="attach a file (repeat)")
@argument(
    "--kb",
    action="append",
    default=[],
    metavar="NAME",
    help="search this knowledge base for the answer (name or id; repeat)",
)
@argument(
    "--tool",
    action="append",
    default=[],
    metavar="ID",
    help="let the model use this server tool (see %%owui tools; repeat)",
)
@argument(
    "--image",
    action="append",
    default=[],
    metavar="NAME",
    help="show the model an image: a variable (matplotlib figure, PIL image, bytes) "
    "or a file path (repeat)",
)
@argument(
    "--follow-ups",
    action="store_true",
    help="show suggested follow-up questions under the answer",
)
@argument(
    "--no-auto",
    action="store_true",
    help="a new chat gets no title or tags from the server's tasks",
)
def chat() -> None:
    """Ask a model: the cell below the magic line is the prompt. (cell magic)

    The answer streams into the output and the chat is saved on the server, threaded as the
    web UI shows it; the next ``%%owui chat`` cell continues it. ``{name}`` in the cell is
    replaced by the notebook variable ``name`` (``{{`` and ``}}`` for literal braces); a
    DataFrame or Series becomes a Markdown table of at most 20 rows (``{df:50}``,
    ``{df:all}``), with a note saying what was left out.
    ``_owui`` holds the last result (ids, usage, timings). A cell that starts with
    ``/command`` sends that saved prompt (see ``%owui prompts``), the rest of the cell after it.
    """


@magic_arguments(name="owui compare")
@argument(
    "-m",
    "--models",
    type=_model_list,
    action="extend",
    required=True,
    metavar="M1,M2,...",
    help="the models to ask (comma-separated, or repeat -m)",
)
@_generation
@argument(
    "--sequential",
    action="store_true",
    help="ask the models one after another (for models that share one GPU)",
)
@argument(
    "--kb",
    action="append",
    default=[],
    metavar="NAME",
    help="every model searches this knowledge base (name or id; repeat)",
)
@argument("-o", "--output", metavar="VAR", help="store {model: answer} in this variable")
def compare() -> None:
    """Ask several models the same prompt, side by side. (cell magic)

    The answers stream at once, one column per model, and are saved as one multi-model chat
    (the web UI shows them side by side). The cell's value is a DataFrame of time to first
    token, total time, tokens and tokens per second.
    """


@magic_arguments(name="owui task")
@argument("-m", "--model", help="the model that works on the task (default: %%owui use)")
@argument(
    "--max-iterations", type=_positive_int, default=10, metavar="N", help="at most N steps (10)"
)
@argument("--decision-model", metavar="M", help="a model that picks when a step offers options")
@argument(
    "--summarize-history",
    action="store_true",
    help="summarise the run so far when its context grows long (saved in the chat)",
)
@argument(
    "--tool", action="append", default=[], metavar="ID", help="a server tool it may use (repeat)"
)
@argument(
    "--kb", action="append", default=[], metavar="NAME", help="a knowledge base to use (repeat)"
)
@_generation
@argument("-o", "--output", metavar="VAR", help="store the final answer in this variable")
def task() -> None:
    """Work through the cell's task in steps, shown live. (cell magic)

    Each step the model updates a to-do list, adds key findings and says what it does next,
    offers options (the decision model picks one) or gives the final answer. The to-do list,
    the findings and the step being written stream into the output; Ctrl-C stops the run.
    The whole run is saved as one new chat. ``_owui`` holds the TaskResult.
    """


@magic_arguments(name="owui research")
@argument(
    "-m",
    "--model",
    type=_model_list,
    metavar="M1,M2",
    help="general models: the first plans and writes the report (default: %%owui use)",
)
@argument(
    "--search-models",
    type=_model_list,
    metavar="M1,M2",
    help="search-capable models, for questions that need --kb, --tool or recent facts",
)
@argument("--steps", type=_positive_int, default=3, metavar="N", help="research steps (3)")
@argument(
    "--kb", action="append", default=[], metavar="NAME", help="knowledge base to search (repeat)"
)
@argument("--tool", action="append", default=[], metavar="ID", help="a server tool to use (repeat)")
@_generation
@argument("-o", "--output", metavar="VAR", help="store the report in this variable")
def research() -> None:
    """Research the cell's topic in steps, then write a report, shown live. (cell magic)

    Each step the first general model plans the next question and picks a general or a
    search model to answer it; --kb and --tool go with the search models' questions (with
    every question when there are none). The plan, each answer as it streams, the sources
    the server's retrieval gave, and the report fill the output; Ctrl-C stops the run and
    keeps what was answered. The whole run is saved as one new chat. ``_owui`` holds the
    ResearchResult.
    """


@magic_arguments(name="owui kb")
@argument("name", nargs="?", help="one knowledge base: list its files instead")
@argument("--files", action="store_true", help="one row per file of every knowledge base")
def kb() -> None:
    """Your knowledge bases (name, description, files), or their files, as a DataFrame."""


@magic_arguments(name="owui tools")
def tools() -> None:
    """The server tools you may use (id, description, functions), as a DataFrame."""


@magic_arguments(name="owui models")
@argument("--refresh", action="store_true", help="ask the server again instead of the cache")
def models() -> None:
    """The models you can use, as a DataFrame."""


@magic_arguments(name="owui chats")
@argument("--search", metavar="TEXT", help="only chats matching this text")
@argument("--limit", type=_positive_int, metavar="N", help="at most N chats, newest first")
def chats() -> None:
    """Your saved chats, newest first, as a DataFrame."""


@magic_arguments(name="owui use")
@argument("model", help="model id")
def use() -> None:
    """Set the model for new chats (and for the next turn of the current chat)."""


@magic_arguments(name="owui new")
def new() -> None:
    """Make the next ``%%owui chat`` cell start a new chat."""


@magic_arguments(name="owui history")
def history() -> None:
    """The current chat's messages, in thread order, as a DataFrame."""


@magic_arguments(name="owui open")
def open_() -> None:
    """A link to the current chat in the web UI."""


@magic_arguments(name="owui status")
def status() -> None:
    """The server, your user, the default model and the current chat."""


@magic_arguments(name="owui stats")
@argument("--long", action="store_true", help="one row per chat and model instead")
@argument("--dataset", metavar="DIR", help="from an exported dataset: usage per user")
def stats() -> None:
    """Usage of your chats (messages, models, tokens, response times) as a DataFrame;
    with --dataset DIR (see `owui-notebook export`), usage per user (--long: and model)."""


@magic_arguments(name="owui prompts")
@argument("--search", metavar="TEXT", help="only prompts whose command, name or text has this")
def prompts() -> None:
    """The saved prompts you can use, as a DataFrame. Start a ``%%owui chat`` cell with
    ``/command`` to send one: its ``{{variables}}`` are filled from the notebook's
    variables, and date, time and user name as the web UI fills them."""


@magic_arguments(name="owui notes")
def notes() -> None:
    """Your notes, as a DataFrame."""


@magic_arguments(name="owui note")
@argument("--title", metavar="TEXT", help="the note's title (default: the chat's title)")
def note() -> None:
    """Save the last cell's answer (``_owui``) as a note, with a link back to its chat;
    shows a link to the note."""


@magic_arguments(name="owui users")
def users() -> None:
    """The server's user accounts, as a DataFrame (admins only)."""


@magic_arguments(name="owui help")
@argument("topic", nargs="?", help="a subcommand")
def help_() -> None:
    """Help on every subcommand, or on one."""


SUBCOMMANDS: dict[str, Any] = {
    "connect": connect,
    "status": status,
    "chat": chat,
    "compare": compare,
    "task": task,
    "research": research,
    "models": models,
    "tools": tools,
    "chats": chats,
    "kb": kb,
    "use": use,
    "new": new,
    "history": history,
    "open": open_,
    "stats": stats,
    "prompts": prompts,
    "notes": notes,
    "note": note,
    "users": users,
    "help": help_,
}
CELL_SUBCOMMANDS = frozenset({"chat", "compare", "task", "research"})
# "--key sk-..." must not pass as "--key-env sk-...", nor "--sys" as "--system": an option is
# written out in full or it is an error.
for _func in SUBCOMMANDS.values():
    _func.parser.allow_abbrev = False

SUMMARY = """\
Open WebUI from the notebook.

  %owui connect [URL] [--key-env VAR]   connect (URL/key from $OWUI_URL, $OWUI_API_KEY or a prompt)
  %%owui chat [-m MODEL] [--new] ...    ask a model; the cell is the prompt; continues the chat
  %%owui compare -m M1,M2,...           ask several models side by side; returns a DataFrame
  %%owui task [-m MODEL] [--max-iterations N]   work through a task in steps, live
  %%owui research [-m M1,M2] [--search-models M] [--steps N]   research a topic, then report
  %owui models | chats | history | stats    DataFrames of models, chats, this chat, usage
  %owui kb [NAME] [--files]             DataFrame of knowledge bases (or of their files)
  %owui use MODEL | new | open | status     default model, next chat new, web UI link, status
  %owui prompts | notes | users          DataFrames of saved prompts, notes, user accounts
  %owui note [--title TEXT]             save the last answer as a note
  %owui help [SUBCOMMAND]               this help, or one subcommand's options
"""


def parse(sub: str, line: str) -> argparse.Namespace:
    """Parse a subcommand's option line; a bad option raises a one-line `UsageError`.

    Options are never abbreviated, and nothing shaped like a key or token (``sk-...``,
    ``eyJ...``) comes back in the message.
    """
    try:
        return _parse(sub, line)
    except UsageError as exc:
        from ..client.errors import redact

        raise UsageError(redact(str(exc))) from None


def _parse(sub: str, line: str) -> argparse.Namespace:
    func = SUBCOMMANDS.get(sub)
    if func is None:
        raise UsageError(f"%owui has no subcommand {sub!r}: try one of {', '.join(SUBCOMMANDS)}")
    # Non-POSIX splitting keeps backslashes (Windows paths) but also the quotes themselves,
    # which magic_arguments would pass on as part of the value.
    try:
        tokens = arg_split(line, posix=False)
    except ValueError as exc:  # shlex: "No closing quotation", "No escaped character"
        raise UsageError(f"%owui {sub}: {exc} in {line.strip()!r}: close the quote") from None
    try:
        return func.parser.parse_args([_unquote(t) for t in tokens])
    except UsageError:
        if sub != "connect":
            raise
        # argparse would echo the stray word, and a pasted key must never reach the output.
        raise UsageError(
            "%owui connect takes a URL and --key-env VAR only: the key comes from "
            "$OWUI_API_KEY or a hidden prompt, never the command line, so it stays out of "
            "the notebook (if you typed it into this cell, delete it from the cell)"
        ) from None


def _unquote(token: str) -> str:
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "'\"":
        return token[1:-1]
    return token


def help_text(sub: str | None = None) -> str:
    """One subcommand's full help, or the summary followed by every subcommand's."""
    if sub:
        func = SUBCOMMANDS.get(sub)
        if func is None:
            raise UsageError(f"no %owui subcommand {sub!r}: try one of {', '.join(SUBCOMMANDS)}")
        return func.__doc__ or ""
    return SUMMARY + "\n" + "\n".join(f.__doc__ or "" for f in SUBCOMMANDS.values())
