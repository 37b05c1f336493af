"""`Dataset`: the analysis helpers as SQL over the Parquet files (DuckDB), small frames out.

Each method answers the same question as the helper of the same name in
`owui_notebook.frames.analysis`, with the same rows, columns and dtypes, without loading
messages into pandas: DuckDB scans only the columns a query names.
"""

from __future__ import annotations

import json
import os
from typing import Any

import duckdb
import pandas as pd

from ..frames import analysis as mem

_ANSWERS = "role = 'assistant' AND model IS NOT NULL"


class Dataset:
    """A dataset written by `sync_dataset` (a local directory, or a URL DuckDB can read:
    ``s3://…`` with its httpfs extension, or any fsspec file system passed as `filesystem`).
    """

    def __init__(self, path: str | os.PathLike[str], *, filesystem: Any = None) -> None:
        self.path = os.fspath(path).rstrip("/")
        self.con = duckdb.connect()
        self.con.execute("SET TimeZone = 'UTC'")
        if filesystem is not None:
            self.con.register_filesystem(filesystem)
        local = "://" not in self.path
        if local and not os.path.isdir(os.path.join(self.path, "messages")):
            raise FileNotFoundError(
                f"{self.path} holds no dataset: make one with `owui-notebook export "
                f"{self.path}` or sync_dataset(client, {self.path!r})"
            )
        for name in ("chats", "messages"):
            glob = f"{self.path}/{name}/*/*.parquet"
            self.con.execute(
                f"CREATE VIEW {name} AS SELECT * FROM read_parquet("
                f"'{_quote(glob)}', hive_partitioning = true, union_by_name = true)"
            )
        users = f"{self.path}/users/*.parquet"
        if not local or os.path.isdir(os.path.join(self.path, "users")):
            self.con.execute(f"CREATE VIEW users AS SELECT * FROM read_parquet('{_quote(users)}')")
        else:  # written before the users table existed
            self.con.execute(
                "CREATE VIEW users AS SELECT NULL::VARCHAR AS user_id, NULL::VARCHAR AS name, "
                "NULL::VARCHAR AS email, NULL::VARCHAR AS role WHERE false"
            )
        self.manifest = _manifest(self.path) if local else {}

    def __repr__(self) -> str:
        return f"<Dataset {self.path}: {self.manifest.get('chats', '?')} chats>"

    @property
    def attrs(self) -> dict[str, Any]:
        out = {"source": f"dataset:{self.path}"}
        if self.manifest.get("server_version"):
            out["server_version"] = self.manifest["server_version"]
        if self.manifest.get("synced_at"):
            out["synced_at"] = self.manifest["synced_at"]
        return out

    def sql(self, query: str, *params: Any) -> pd.DataFrame:
        """Any SQL over the views ``chats``, ``messages`` and ``users``, as a pandas frame."""
        return self.con.execute(query, list(params)).df()

    def counts(self) -> dict[str, int]:
        row = self.con.execute(
            "SELECT (SELECT count(*) FROM chats), (SELECT count(*) FROM messages)"
        ).fetchone()
        assert row is not None
        return {"chats": int(row[0]), "messages": int(row[1])}

    def usage_over_time(self, *, freq: str = "day", metric: str = "answers") -> pd.DataFrame:
        """Answers (or tokens) per model per day, week (from Monday) or month, UTC."""
        unit = mem.FREQS.get(str(freq).lower())
        if unit is None:
            raise ValueError(f"freq must be day, week or month, not {freq!r}")
        if metric not in mem.USAGE_METRICS:
            raise ValueError(f"metric must be one of {', '.join(mem.USAGE_METRICS)}")
        value = "count(*)" if metric == "answers" else f"sum(coalesce({metric}, 0))"
        long = self.sql(
            f"SELECT date_trunc('{unit}', timestamp) AS period, model, {value} AS value "
            f"FROM messages WHERE {_ANSWERS} AND timestamp IS NOT NULL "
            "GROUP BY ALL ORDER BY period, model"
        )
        if long.empty:
            table = pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="period"), dtype="Int64")
        else:
            long["period"] = pd.to_datetime(long["period"], utc=True).astype("datetime64[ns, UTC]")
            table = long.pivot(index="period", columns="model", values="value").fillna(0)
            table = table.reindex(mem._range(table.index.min(), table.index.max(), unit))
            table = table.fillna(0).astype("int64").astype("Int64")
        table.columns.name = "model"
        table.attrs = {**self.attrs, "metric": metric, "freq": unit}
        return table

    def answers(self) -> pd.DataFrame:
        """The answers' columns the dashboard charts (no message text), read by DuckDB with
        only those columns scanned."""
        frame = self.sql(
            "SELECT chat_id, message_id, timestamp, role, model, user_id, rating, "
            "prompt_tokens, completion_tokens, total_tokens, content_length, "
            "response_time_s, ttft_s, timestamp_gap_s "
            f"FROM messages WHERE {_ANSWERS}"
        )
        frame["timestamp"] = frame["timestamp"].astype("datetime64[ns, UTC]")  # as the frames
        frame.attrs = dict(self.attrs)
        return frame

    def response_times(self, *, metric: str = "response_time_s") -> pd.DataFrame:
        """The distribution of `metric` over each model's answers (see `frames.response_times`)."""
        if metric not in mem.TIME_METRICS:
            raise ValueError(f"metric must be one of {', '.join(mem.TIME_METRICS)}")
        table = self.sql(
            f"SELECT model, count({metric}) AS count, avg({metric}) AS mean, "
            f"stddev_samp({metric}) AS std, min({metric}) AS min, "
            f"quantile_cont({metric}, 0.5) AS p50, quantile_cont({metric}, 0.9) AS p90, "
            f"quantile_cont({metric}, 0.99) AS p99, max({metric}) AS max "
            f"FROM messages WHERE {_ANSWERS} AND {metric} IS NOT NULL "
            f"AND NOT isnan({metric}) GROUP BY model ORDER BY model"
        ).set_index("model")
        table["count"] = table["count"].astype("Int64")
        for column in mem.DISTRIBUTION_COLUMNS[1:]:
            table[column] = table[column].astype("float64")
        table.index = table.index.astype(str)  # as the in-memory helpers key their groups
        table.attrs = {**self.attrs, "metric": metric}
        return table[mem.DISTRIBUTION_COLUMNS]

    def message_lengths(self, *, by: str = "role") -> pd.DataFrame:
        """Characters per message: user against assistant, or answers per model."""
        if by == "role":
            where, key = "role IN ('user', 'assistant')", "role"
        elif by == "model":
            where, key = _ANSWERS, "model"
        else:
            raise ValueError("by must be 'role' or 'model'")
        table = self.sql(
            f"SELECT {key}, count(content_length) AS count, avg(content_length) AS mean, "
            "median(content_length::DOUBLE) AS median, "
            "quantile_cont(content_length::DOUBLE, 0.9) AS p90, "
            "max(content_length) AS max, sum(content_length) AS total "
            f"FROM messages WHERE {where} GROUP BY {key} ORDER BY {key}"
        ).set_index(key)
        if by == "role":
            table = table.reindex([k for k in ("user", "assistant") if k in table.index])
        for column in ("count", "max", "total"):
            table[column] = table[column].astype("Int64")
        for column in ("mean", "median", "p90"):
            table[column] = table[column].astype("float64")
        table.index = table.index.astype(str)  # as the in-memory helpers key their groups
        table.index.name = by
        table.attrs = {**self.attrs, "unit": "characters"}
        return table[mem.LENGTH_COLUMNS]

    def ratings_by_model(self) -> pd.DataFrame:
        """Thumbs per model: answers, rated, up, down, up_share, net."""
        table = self.sql(
            "SELECT model, count(*) AS answers, count(rating) AS rated, "
            "count(*) FILTER (WHERE rating = 1) AS up, "
            "count(*) FILTER (WHERE rating = -1) AS down "
            f"FROM messages WHERE {_ANSWERS} GROUP BY model ORDER BY model"
        ).set_index("model")
        for column in ("answers", "rated", "up", "down"):
            table[column] = table[column].astype("Int64")
        table["up_share"] = (table["up"] / table["rated"].replace(0, pd.NA)).astype("float64")
        table["net"] = (table["up"] - table["down"]).astype("Int64")
        table.index = table.index.astype(str)  # as the in-memory helpers key their groups
        table.attrs = dict(self.attrs)
        return table[mem.RATING_COLUMNS]

    def usage_by_user(self, *, by_model: bool = False) -> pd.DataFrame:
        """Per user (`by_model`: and model), with name and email from the ``users`` table:
        chats, answers, tokens."""
        if by_model:
            table = self.sql(
                "SELECT m.user_id, m.model, any_value(u.name) AS name, "
                "count(DISTINCT m.chat_id) AS chats, count(*) AS answers, "
                "sum(m.prompt_tokens) AS prompt_tokens, "
                "sum(m.completion_tokens) AS completion_tokens, "
                "sum(m.total_tokens) AS total_tokens "
                "FROM messages m LEFT JOIN users u ON u.user_id = m.user_id "
                "WHERE m.role = 'assistant' AND m.model IS NOT NULL "
                "GROUP BY m.user_id, m.model ORDER BY m.user_id, m.model"
            ).set_index(["user_id", "model"])
            for column in table.columns[1:]:
                table[column] = table[column].astype("Int64")
            table.attrs = dict(self.attrs)
            return table
        table = self.sql(
            "SELECT m.user_id, any_value(u.name) AS name, any_value(u.email) AS email, "
            "count(DISTINCT m.chat_id) AS chats, "
            "count(*) FILTER (WHERE m.role = 'assistant') AS answers, "
            "sum(m.prompt_tokens) AS prompt_tokens, "
            "sum(m.completion_tokens) AS completion_tokens, sum(m.total_tokens) AS total_tokens "
            "FROM messages m LEFT JOIN users u ON u.user_id = m.user_id "
            "GROUP BY m.user_id ORDER BY m.user_id"
        ).set_index("user_id")
        for column in ("chats", "answers", "prompt_tokens", "completion_tokens", "total_tokens"):
            table[column] = table[column].astype("Int64")
        for column in ("name", "email"):
            table[column] = table[column].astype(object).where(table[column].notna(), None)
        table.attrs = dict(self.attrs)
        return table


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _manifest(path: str) -> dict[str, Any]:
    try:
        with open(os.path.join(path, ".owui", "current", "manifest.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}
