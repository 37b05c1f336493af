"""Errors a user can cause become one red line; anything else keeps its traceback."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from IPython.core.error import UsageError


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn the client's errors into IPython's `UsageError`: one line, no frames.

    `UsageError` also marks the cell as failed, so "Run all" stops there as it should.
    A malformed server reply (`UnexpectedResponseError`) is one line too: its message names
    the endpoint and what came back, and frames of the client would not help the user.
    """
    try:
        yield
    except Exception as exc:
        # Imported here so that %load_ext does not pay for the client (httpx, pydantic).
        from ..client.errors import OpenWebUIError, redact

        if isinstance(exc, (OpenWebUIError, UsageError)):
            # A UsageError may quote what the user typed: a pasted key must not come back.
            raise UsageError(redact(str(exc))) from None
        raise
