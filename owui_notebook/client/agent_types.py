"""What the results of agent runs (task runner, deep research) share.

Shared by the async and the generated sync runners, and by the views and magics that show
a run whatever kind it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from .types import ServerModel, Usage


class AgentResult(ServerModel):
    """A finished (or stopped) agent run; the whole run is one saved chat, `chat_id`."""

    ok_status: ClassVar[str]  # the status of a run that got to its end

    if TYPE_CHECKING:
        # Each result declares these as fields, where they stand in its own order (pydantic
        # puts a base's fields first, which would reorder every result's repr and dumps).
        status: str
        chat_id: str | None
        url: str | None
        error: str | None
        duration: float | None

    def _text(self) -> str | None:
        """The run's final text (answer, report), ``None`` without one."""
        raise NotImplementedError

    @property
    def ok(self) -> bool:
        return self.status == self.ok_status

    @property
    def content(self) -> str:
        """The final text ("" without one), as on a `ChatResult`."""
        return self._text() or ""

    def __str__(self) -> str:
        return self.content


def sum_usage(usages: list[Usage | None]) -> Usage | None:
    """Field-wise sum of the known figures; None when no answer reported any."""
    known = [u for u in usages if u is not None]
    if not known:
        return None
    return Usage(
        prompt_tokens=_sum_known([u.prompt_tokens for u in known]),
        completion_tokens=_sum_known([u.completion_tokens for u in known]),
        total_tokens=_sum_known([u.total_tokens for u in known]),
    )


def _sum_known(values: list[int | None]) -> int | None:
    numbers = [v for v in values if v is not None]
    return sum(numbers) if numbers else None
