"""Which Open WebUI release brought which endpoint, so a missing one is a clear error."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UnsupportedFeatureError


def parse_version(text: str) -> tuple[int, ...]:
    """``"0.12.4"`` -> ``(0, 12, 4)``; suffixes such as ``-dev`` or ``rc1`` are ignored."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", text or "")
    if not match:
        return (0,)
    return tuple(int(part) for part in match.group(1).split("."))


@dataclass(frozen=True)
class Feature:
    """`description` is a bare noun phrase (no article): messages read "has no <description>"."""

    name: str
    description: str
    since: str


FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("chat_usage_stats", "chat usage stats (/api/v1/chats/stats/usage)", "0.6.42"),
        Feature("chat_stats_export", "chat stats export (/api/v1/chats/stats/export)", "0.7.0"),
        Feature("analytics", "admin analytics (/api/v1/analytics)", "0.8.0"),
        Feature(
            "leaderboard", "evaluations leaderboard (/api/v1/evaluations/leaderboard)", "0.7.0"
        ),
        # Before 0.12.4 /analytics/users and /daily ignore `metric` (they count messages)
        # and /daily reads any granularity but "hourly" as "daily" (upstream's changelog:
        # "Analytics by tokens", 0.12.4).
        Feature(
            "analytics_by_tokens",
            "analytics by tokens or in 10m/3h/6h steps (metric=, granularity=)",
            "0.12.4",
        ),
    )
}


#: The granularities /analytics/daily understands before "analytics_by_tokens".
BASIC_GRANULARITIES = ("daily", "hourly")


def has_feature(version: str, name: str) -> bool:
    return parse_version(version) >= parse_version(FEATURES[name].since)


def require_feature(version: str, name: str) -> None:
    """Raise `UnsupportedFeatureError` naming the release that added `name`."""
    feature = FEATURES[name]
    if not has_feature(version, name):
        raise UnsupportedFeatureError(
            f"this server (Open WebUI {version}) has no {feature.description}; "
            f"it needs Open WebUI >= {feature.since}",
            feature=name,
            needs=feature.since,
            have=version,
        )
