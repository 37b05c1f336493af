"""Runs an agent (``%%owui task``, ``%%owui research``) live in a cell: one owner for both."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from IPython.core.error import UsageError

if TYPE_CHECKING:
    from ..client._sync._agent_stream import AgentStreamBase
    from ..client.agent_types import AgentResult
    from ..render.agent_view import AgentDisplay

R = TypeVar("R", bound="AgentResult")


def run_live(
    stream: AgentStreamBase[Any, R],
    view: AgentDisplay[Any],
    shell: Any,
    *,
    output: str | None,
    text: Callable[[R], str | None],
    what: str,
) -> R | None:
    """Feed the run's events to `view`; ``_owui`` gets the result, ``output`` its `text`.

    A run that ended in an error is one red line naming its saved chat (`what`: "the run").
    """
    view.start()
    result = None
    try:
        # Leaving the `with` ends the run (its answers are saved as they finish) before the
        # final render, also when Ctrl-C lands in the display code.
        with stream:
            for event in stream:
                view.feed(event)
    finally:
        if stream.finished:
            result = stream.result
            shell.user_ns["_owui"] = result
            if output:
                shell.user_ns[output] = text(result)
        view.finish(result, url=stream.url)
    if result is not None and result.status == "error":
        raise UsageError(
            f"{result.error} ({what} so far is saved in its chat"
            f"{': ' + result.url if result.url else ''})"
        )
    return result
