"""The line subcommands that show things: status, models, chats, history, stats, open."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError

from ..render.views import link_html

if TYPE_CHECKING:
    from .session import Session


def status_line(session: Session) -> str:
    """``Open WebUI 0.12.4 at URL · signed in as Ann (admin) · model alpha (6 models)``."""
    s = session.status()
    who = s["user"] or s["email"] or "?"
    role = f" ({s['role']})" if s["role"] else ""
    line = (
        f"Open WebUI {s['version']} at {s['server']} · signed in as {who}{role} · "
        f"model {s['model'] or '(none)'} ({s['models']} available)"
    )
    if s["chat_id"]:
        line += f"\ncurrent chat: {s['chat_title'] or '(untitled)'} · {s['chat_url']}"
    return line


def one_missing_marker(frame: Any) -> Any:
    """`frame` as a table shows it with one missing-value marker, ``<NA>``, in every column.

    Missing floats (numpy ``NaN``), categories (``NaN``) and objects (``None``) otherwise sit
    beside the nullable columns' ``<NA>``: floats become ``Float64``, categories of text get
    ``string`` categories, objects hold ``pd.NA``. Values and column order are unchanged.
    """
    import pandas as pd

    out = frame.copy()
    for column, dtype in frame.dtypes.items():
        series = frame[column]
        if isinstance(dtype, pd.CategoricalDtype):
            categories = dtype.categories
            if str(categories.dtype) != "string" and all(isinstance(c, str) for c in categories):
                text = pd.CategoricalDtype(pd.Index(categories, dtype="string"), dtype.ordered)
                out[column] = series.astype(text)
        elif isinstance(dtype, pd.StringDtype) and dtype.na_value is not pd.NA:
            out[column] = series.astype("string")  # pandas 3's default str shows NaN
        elif dtype.kind == "f" and dtype != "Float64":
            out[column] = series.astype("Float64")
        elif dtype.kind == "O":
            out[column] = series.where(series.notna(), pd.NA)
    return out


def _current_chat_id(session: Session) -> str:
    if session.chat is None or session.chat.id is None:
        raise UsageError("no current chat yet: run a %%owui chat cell first")
    return session.chat.id


def models(session: Session, args: argparse.Namespace) -> Any:
    from ..frames import models_frame

    client = session.require_client()
    frame = models_frame(client, refresh=args.refresh)
    session.model_ids(refresh=True)
    return one_missing_marker(frame)


def chats(session: Session, args: argparse.Namespace) -> Any:
    from ..frames import chats_frame

    return one_missing_marker(
        chats_frame(session.require_client(), search=args.search, limit=args.limit)
    )


def history(session: Session, args: argparse.Namespace) -> Any:
    from ..frames import chat_messages_frame

    return one_missing_marker(
        chat_messages_frame(session.require_client(), _current_chat_id(session))
    )


def stats(session: Session, args: argparse.Namespace) -> Any:
    if args.dataset:  # DuckDB over the files: small frames out, no rows loaded
        try:
            from ..dataset import Dataset

            ds = Dataset(args.dataset)
        except (ImportError, FileNotFoundError) as exc:
            raise UsageError(str(exc)) from None
        return ds.usage_by_user(by_model=True) if args.long else ds.usage_by_user()
    from ..frames import usage_frame, usage_models_frame

    client = session.require_client()
    return one_missing_marker(usage_models_frame(client) if args.long else usage_frame(client))


def prompts(session: Session, args: argparse.Namespace) -> Any:
    from ..frames import prompts_frame

    return one_missing_marker(prompts_frame(session.require_client(), search=args.search))


def notes(session: Session, args: argparse.Namespace) -> Any:
    from ..frames import notes_frame

    return one_missing_marker(notes_frame(session.require_client()))


def users(session: Session, args: argparse.Namespace) -> Any:
    from ..frames import users_frame

    return one_missing_marker(users_frame(session.require_client()))


class ChatLink:
    """A chat's web UI address: a link in a notebook, the bare URL in a terminal."""

    def __init__(self, url: str, title: str | None = None) -> None:
        self.url = url
        self.title = title

    @property
    def data(self) -> str:
        return link_html(self.url, self.title or self.url) + " ↗"

    def _repr_html_(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return self.url


def open_link(session: Session) -> ChatLink:
    """The current chat's web UI address."""
    _current_chat_id(session)
    assert session.chat is not None and session.chat.url is not None
    return ChatLink(session.chat.url, session.chat.title)
