"""When to retry a request and how long to wait: the one place that decides."""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# 429 means the request was refused before any work; the others are gateways or overload.
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, honouring ``Retry-After`` up to a cap."""

    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    retry_after_max: float = 60.0

    def retry_status(self, status: int, *, attempt: int, idempotent: bool) -> bool:
        if attempt >= self.max_retries or status not in RETRY_STATUSES:
            return False
        return idempotent or status == 429

    def retry_transport(
        self, *, attempt: int, idempotent: bool, connect_failed: bool, stale: bool = False
    ) -> bool:
        # A refused connection never reached the server, so any method is safe to resend; so
        # is a request that a kept-alive connection lost before any answer (`stale`: the
        # server had closed it meanwhile), once, as browsers do.
        if attempt >= self.max_retries:
            return False
        return idempotent or connect_failed or (stale and attempt == 0)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.retry_after_max)
        ceiling = min(self.backoff_max, self.backoff_base * 2.0**attempt)
        return ceiling / 2 + random.uniform(0, ceiling / 2)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)
