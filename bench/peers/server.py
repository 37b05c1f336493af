"""The server under test: a sandbox whose admin owns exactly N seeded chats, plus a fresh user.

Seeding 5,000 chats through the import endpoint takes minutes (most of a run on a busy
machine), so it happens once per Open WebUI version and chat count: the seeded, stopped
server's data dir is kept under ~/.cache/owui-notebook/peers/ and each run starts a sandbox
on a copy of it. The chat measures (1-3) run as a second admin made for the run, whose chat
list is empty: openwebui-chat-client looks chats up by title, and a 5,000-chat list would
slow it for reasons that are not the measure's. The stats measure (4) runs as the admin
that owns the seeded chats and nothing else.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from bench.stats_load import seed
from owui_notebook.client import OpenWebUI
from owui_notebook.sandbox import Sandbox
from owui_notebook.sandbox.bootstrap import bootstrap_admin, create_user

from .contenders import VENVS

_DONE = ".seeded"


@dataclass
class Server:
    box: Sandbox
    chat_key: str  # the run's own admin, with no chats: measures 1-3
    stats_key: str  # the seeded admin: measure 4
    seed_s: float | None  # seconds spent seeding in this run (None: reused)


def _template(version: str, chats: int, log: Callable[[str], None]) -> tuple[Path, float | None]:
    """A stopped server's data dir whose admin owns exactly `chats` seeded chats."""
    template = VENVS / f"data-{version}-{chats}-chats"
    if (template / _DONE).is_file():
        return template, None
    building = template.with_name(template.name + ".partial")
    shutil.rmtree(building, ignore_errors=True)
    log(f"seeding {chats:,} chats once into {template} (reused by later runs)")
    start = time.perf_counter()
    with (
        Sandbox(version, data_dir=building, log=log) as box,
        OpenWebUI(box.url, box.api_key, timeout=600) as client,
    ):
        seed(client, chats, 250)
    seconds = time.perf_counter() - start
    (building / "owui-server.log").unlink(missing_ok=True)
    (building / _DONE).write_text(f"{chats}\n")
    shutil.rmtree(template, ignore_errors=True)
    building.rename(template)
    return template, seconds


@contextlib.contextmanager
def bench_server(version: str, chats: int, log: Callable[[str], None]) -> Iterator[Server]:
    template, seed_s = _template(version, chats, log)
    work = Path(tempfile.mkdtemp(prefix="owui-peers-"))
    try:
        data = work / "data"
        shutil.copytree(template, data)
        (data / _DONE).unlink()
        with Sandbox(version, data_dir=data, log=log) as box:
            tag = uuid.uuid4().hex[:8]
            email, password = f"bench-{tag}@example.com", f"Pw-{tag}-x1!"
            create_user(box.url, box.jwt, f"Bench {tag}", email, password, role="admin")
            _, chat_key = bootstrap_admin(box.url, email, password)
            yield Server(box, chat_key, box.api_key, seed_s)
    finally:
        shutil.rmtree(work, ignore_errors=True)
