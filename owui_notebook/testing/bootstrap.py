"""Test bootstrap helpers: clients signed in as fresh users of a sandbox."""

from __future__ import annotations

from typing import Any

from ..sandbox.bootstrap import create_user


def signed_in_client(box: Any, *, role: str = "user", prefix: str = "user") -> Any:
    """An `OpenWebUI` client signed in as a brand-new user of sandbox `box`.

    Its listings hold only what the test makes, though the server is shared by the session.
    """
    import uuid

    from ..client import OpenWebUI

    tag = uuid.uuid4().hex[:8]
    email, password = f"{prefix}-{tag}@example.com", f"Pw-{tag}-x1!"
    create_user(box.url, box.jwt, f"{prefix.title()} {tag}", email, password, role=role)
    client = OpenWebUI(box.url)
    client.signin(email, password)
    return client
