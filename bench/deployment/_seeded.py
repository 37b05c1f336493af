"""A real Open WebUI holding N synthetic chats over several users, for the deployment benches."""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Deployment:
    """A seeded server: where it is, an admin's token, its users (email, password, chats)."""

    url: str
    jwt: str
    users: list[tuple[str, str, int]]
    seeded: int = 0
    seed_seconds: float = 0.0
    seeding: str = ""
    server_pid: int | None = None
    summary: dict = field(default_factory=dict)


def deployment_parser() -> argparse.ArgumentParser:
    """The options every deployment bench takes: its size, and a server to use instead of a
    fresh sandbox."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--url")
    parser.add_argument("--jwt", help="an admin's token on --url (to create the users)")
    return parser


@contextmanager
def seeded(
    chats: int, users: int, url: str | None = None, jwt: str | None = None
) -> Iterator[Deployment]:
    """Seed `chats` chats over `users` new users on `url` (a fresh sandbox unless given):
    through the server's own code when it is our sandbox, else the import endpoint."""
    from owui_notebook.client import OpenWebUI
    from owui_notebook.sandbox.bootstrap import create_user
    from owui_notebook.testing.deployment import seed, seed_server_side

    box = None
    if url is None:
        from owui_notebook.sandbox import Sandbox

        box = Sandbox().__enter__()
        url, jwt = box.url, box.jwt
    assert jwt is not None
    try:
        accounts = []
        for i in range(users):
            tag = uuid.uuid4().hex[:8]
            email, password = f"bench-{tag}@example.com", f"Pw-{tag}-x1!"
            create_user(url, jwt, f"Bench {tag}", email, password, role="user")
            accounts.append((email, password, chats // users + (i < chats % users)))
        deployment = Deployment(url, jwt, accounts)

        def seed_one(user: tuple[str, str, int], index: int) -> int:
            with OpenWebUI(url) as client:
                client.signin(user[0], user[1])
                return len(seed(client, user[2], seed=index, now=int(time.time()), batch=100))

        t = time.perf_counter()
        if box is not None and box.server is not None:  # the server's own code, batch commits
            from owui_notebook.sandbox.install import _venv_python
            from owui_notebook.sandbox.server import _clean_env, server_env

            srv = box.server
            deployment.server_pid = srv.pid
            env = {**_clean_env(srv.venv), **server_env(srv.data_dir, srv.provider_url, "seed")}
            with OpenWebUI(url, jwt) as admin:
                ids_of = {u.email: u.id for u in admin.users.list()}
            plan = [(ids_of[u[0]], u[2], i) for i, u in enumerate(accounts)]
            python = str(_venv_python(srv.venv))
            deployment.seeded = len(seed_server_side(python, env, plan, now=int(time.time())))
            deployment.seeding = "server-side"
        else:  # the import endpoint, one connection per user
            with ThreadPoolExecutor(users) as pool:
                deployment.seeded = sum(pool.map(seed_one, accounts, range(len(accounts))))
            deployment.seeding = "POST /api/v1/chats/import"
        deployment.seed_seconds = time.perf_counter() - t
        with OpenWebUI(url, jwt) as admin:  # what the server holds, by its own analytics
            deployment.summary = admin.analytics.summary()
        print(
            f"seeded {deployment.seeded} chats in {deployment.seed_seconds:.0f}s "
            f"({deployment.seeded / deployment.seed_seconds:.0f}/s, {deployment.seeding}); "
            f"the server's analytics: {deployment.summary}"
        )
        yield deployment
    finally:
        if box is not None:
            box.__exit__(None, None, None)
