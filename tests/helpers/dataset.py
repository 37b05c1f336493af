"""The dataset tests' accounts (a new user with synthetic chats) and their checks against
the server."""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pandas as pd
import pyarrow.dataset as pds

from owui_notebook import frames
from owui_notebook.client import OpenWebUI
from owui_notebook.frames import CHAT_COLUMNS, MESSAGE_COLUMNS
from owui_notebook.sandbox.bootstrap import create_user
from owui_notebook.testing.deployment import chat_form, seed, timed_and_failed
from tests.helpers.transport import Recorder

CHATS = 40


@dataclass
class Account:
    url: str
    email: str
    password: str = field(repr=False)  # never in a failure report
    ids: list[str]

    def client(self, transport: httpx.BaseTransport | None = None) -> OpenWebUI:
        client = OpenWebUI(self.url, transport=transport)
        client.signin(self.email, self.password)
        return client


def make_account(box, *, role: str = "user", chats: int = CHATS, timed: int = 0) -> Account:
    """A new user holding `chats` synthetic chats, and `timed` more whose answers all carry
    owui-notebook's timings, a third of them failed (`timed_and_failed`)."""
    tag = uuid.uuid4().hex[:8]
    email, password = f"dataset-{tag}@example.com", f"Pw-{tag}-x1!"
    create_user(box.url, box.jwt, f"Dataset {tag}", email, password, role=role)
    account = Account(box.url, email, password, [])
    now = int(time.time())
    with account.client() as client:
        account.ids = seed(client, chats, now=now, batch=20)
        if timed:
            rng = random.Random(7)
            forms = [
                timed_and_failed(chat_form(rng, now=now), rng, timed=1.0, failed=0.3)
                for _ in range(timed)
            ]
            account.ids += [r.id for r in client.chats.import_chats(forms)]
    return account


CHAT_KEYS = ["chat_id", "title", "updated_at", "pinned", "archived", "tags", "message_count"]


def table(directory: Path, name: str) -> pd.DataFrame:
    frame = pds.dataset(directory / name, partitioning="hive").to_table().to_pandas()
    key = ["chat_id", "message_id"] if name == "messages" else ["chat_id"]
    return frame.sort_values(key).reset_index(drop=True)


def normalized(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Values comparable across pandas and Arrow (lists as tuples, times in seconds)."""
    out = pd.DataFrame(index=frame.index)
    for name in columns:
        column = frame[name]
        if name in ("tags", "models"):
            out[name] = column.map(lambda v: tuple(v) if v is not None and len(v) else ())
        elif pd.api.types.is_datetime64_any_dtype(column):
            stamps = column.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
            out[name] = stamps.dt.floor("s").astype("int64")
        else:
            out[name] = column.astype(object).where(column.notna(), None)
    return out


def assert_equal_to_server(client, directory: Path) -> None:
    """The dataset holds exactly the server's chats and messages (frames of the same data)."""
    messages = frames.messages_frame(client, progress=False)
    messages = messages.sort_values(["chat_id", "message_id"]).reset_index(drop=True)
    stored = table(directory, "messages")
    columns = [c for c in MESSAGE_COLUMNS.names if c != "tags"]
    pd.testing.assert_frame_equal(normalized(stored, columns), normalized(messages, columns))
    chats = frames.chats_frame(client, archived=True, progress=False)
    chats = chats.sort_values("chat_id").reset_index(drop=True)
    stored_chats = table(directory, "chats")
    assert list(stored_chats.columns[: len(CHAT_COLUMNS.names)]) == CHAT_COLUMNS.names
    pd.testing.assert_frame_equal(normalized(stored_chats, CHAT_KEYS), normalized(chats, CHAT_KEYS))


def fetched_chats(recorder: Recorder) -> set[str]:
    """Chats the run downloaded one by one (GET /api/v1/chats/{id})."""
    out = set()
    for method, path in recorder.requests:
        parts = path.strip("/").split("/")
        listing = parts[-1] in ("list", "archived", "pinned", "all")
        if method == "GET" and len(parts) == 4 and parts[:3] == ["api", "v1", "chats"]:
            out.update([] if listing else [parts[3]])
    return out
