"""`Dataset`: the analysis helpers as SQL over the Parquet files (DuckDB), small frames out.

Each method answers the same question as the helper of the same name in
`owui_notebook.frames.analysis`, with the same rows, columns and dtypes, without loading
messages into pandas: DuckDB scans only the columns a query names. Each takes the
dashboard's filters too (`start`, `end`, `models`, `users`), applied in SQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from typing import Any

import duckdb
import pandas as pd

from ..frames import analysis as mem

_ANSWER = "role = 'assistant' AND model IS NOT NULL"
_FAILED = "coalesce(error, false)"


def answer_rule(*, timed: bool = False) -> str:
    """`frames.analysis.answer_mask` as SQL: a failed answer with no text is no answer; for
    time figures (`timed`) no failed answer is."""
    if timed:
        return f"{_ANSWER} AND NOT {_FAILED}"
    return f"{_ANSWER} AND NOT ({_FAILED} AND coalesce(content_length, 0) = 0)"


class Dataset:
    """A dataset written by `sync_dataset` (a local directory, or a URL DuckDB can read:
    ``s3://…`` with its httpfs extension, or any fsspec file system passed as `filesystem`).
    """

    def __init__(self, path: str | os.PathLike[str], *, filesystem: Any = None) -> None:
        self.path = os.fspath(path).rstrip("/")
        self.con = duckdb.connect()
        # Global: the cursors each query runs on (one per call, so that threads may share a
        # Dataset: a DuckDB connection is not thread-safe) take it too.
        self.con.execute("SET GLOBAL TimeZone = 'UTC'")
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
        return self._run(query, list(params)).df()

    def _run(self, query: str, params: list[Any] | None = None) -> duckdb.DuckDBPyConnection:
        return self.con.cursor().execute(query, params or [])

    def counts(self) -> dict[str, int]:
        row = self._run(
            "SELECT (SELECT count(*) FROM chats), (SELECT count(*) FROM messages)"
        ).fetchone()
        assert row is not None
        return {"chats": int(row[0]), "messages": int(row[1])}

    def where(
        self,
        *,
        start: Any = None,
        end: Any = None,
        models: Iterable[str] | None = None,
        users: Iterable[str] | None = None,
        timed: bool = False,
    ) -> tuple[str, list[Any]]:
        """The answers these filters let through, as a SQL condition and its parameters:
        from `start` (inclusive) to `end` (exclusive; dates or timestamps, UTC), of `models`
        and `users` (ids; None or empty: all)."""
        clauses: list[str] = [answer_rule(timed=timed)]
        params: list[Any] = []
        if start is not None:
            clauses.append("timestamp >= ?")
            params.append(_utc(start))
        if end is not None:
            clauses.append("timestamp < ?")
            params.append(_utc(end))
        if models:
            clauses.append("list_contains(?, model)")
            params.append([str(m) for m in models])
        if users:
            clauses.append("list_contains(?, user_id)")
            params.append([str(u) for u in users])
        return " AND ".join(f"({c})" for c in clauses), params

    def usage_over_time(
        self, *, freq: str = "day", metric: str = "answers", **filters: Any
    ) -> pd.DataFrame:
        """Answers (or tokens) per model per day, week (from Monday) or month, UTC."""
        unit = mem.FREQS.get(str(freq).lower())
        if unit is None:
            raise ValueError(f"freq must be day, week or month, not {freq!r}")
        if metric not in mem.USAGE_METRICS:
            raise ValueError(f"metric must be one of {', '.join(mem.USAGE_METRICS)}")
        value = "count(*)" if metric == "answers" else f"sum(coalesce({metric}, 0))"
        where, params = self.where(**filters)
        long = self.sql(
            f"SELECT date_trunc('{unit}', timestamp) AS period, model, {value} AS value "
            f"FROM messages WHERE {where} AND timestamp IS NOT NULL "
            "GROUP BY ALL ORDER BY period, model",
            *params,
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

    def response_times(self, *, metric: str = "response_time_s", **filters: Any) -> pd.DataFrame:
        """The distribution of `metric` over each model's answers (see `frames.response_times`)."""
        _time_metric(metric)
        where, params = self.where(timed=True, **filters)
        # One quantile state for the three (each separate one holds every value again).
        table = self.sql(
            "SELECT model, count, mean, std, min, qs[1] AS p50, qs[2] AS p90, qs[3] AS p99, "
            f"max FROM (SELECT model, count({metric}) AS count, avg({metric}) AS mean, "
            f"stddev_samp({metric}) AS std, min({metric}) AS min, "
            f"quantile_cont({metric}, [0.5, 0.9, 0.99]) AS qs, max({metric}) AS max "
            f"FROM messages WHERE {where} AND {metric} IS NOT NULL "
            f"AND NOT isnan({metric}) GROUP BY model) ORDER BY model",
            *params,
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
            where, key = answer_rule(), "model"
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

    def ratings_by_model(self, **filters: Any) -> pd.DataFrame:
        """Thumbs per model: answers, rated, up, down, up_share, net."""
        where, params = self.where(**filters)
        table = self.sql(
            "SELECT model, count(*) AS answers, count(rating) AS rated, "
            "count(*) FILTER (WHERE rating = 1) AS up, "
            "count(*) FILTER (WHERE rating = -1) AS down "
            f"FROM messages WHERE {where} GROUP BY model ORDER BY model",
            *params,
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
        chats, answers and their tokens."""
        # The answers' tokens (`answer_rule`), as `usage_over_time` counts them.
        answer = f"FILTER (WHERE {answer_rule()})"
        tokens = ", ".join(f"sum({t}) {answer} AS {t}" for t in mem.USAGE_METRICS[1:])
        # Aggregate first, then join the (small) users table: its `role` is not a message's.
        people = (
            "(SELECT user_id, any_value(name) AS name, any_value(email) AS email "
            "FROM users GROUP BY user_id) u"
        )
        if by_model:
            table = self.sql(
                "SELECT a.user_id, a.model, u.name, a.chats, a.answers, a.prompt_tokens, "
                "a.completion_tokens, a.total_tokens FROM (SELECT user_id, model, "
                f"count(DISTINCT chat_id) AS chats, count(*) AS answers, {tokens} "
                f"FROM messages WHERE {answer_rule()} GROUP BY user_id, model) a "
                f"LEFT JOIN {people} ON u.user_id = a.user_id ORDER BY a.user_id, a.model"
            ).set_index(["user_id", "model"])
            for column in table.columns[1:]:
                table[column] = table[column].astype("Int64")
            table.attrs = dict(self.attrs)
            return table
        table = self.sql(
            "SELECT a.user_id, u.name, u.email, a.chats, a.answers, a.prompt_tokens, "
            "a.completion_tokens, a.total_tokens FROM (SELECT user_id, "
            "count(DISTINCT chat_id) AS chats, "
            f"count(*) FILTER (WHERE {answer_rule()}) AS answers, {tokens} "
            f"FROM messages GROUP BY user_id) a LEFT JOIN {people} ON u.user_id = a.user_id "
            "ORDER BY a.user_id"
        ).set_index("user_id")
        for column in ("chats", "answers", "prompt_tokens", "completion_tokens", "total_tokens"):
            table[column] = table[column].astype("Int64")
        for column in ("name", "email"):
            table[column] = table[column].astype(object).where(table[column].notna(), None)
        table.attrs = dict(self.attrs)
        return table

    def response_time_boxes(
        self, *, metric: str = "response_time_s", **filters: Any
    ) -> pd.DataFrame:
        """A box plot's figures of `metric` per model (see `frames.response_time_boxes`)."""
        _time_metric(metric)
        where, params = self.where(timed=True, **filters)
        values = (
            f"(SELECT model, {metric} AS v FROM messages WHERE {where} "
            f"AND {metric} IS NOT NULL AND NOT isnan({metric})) a"
        )
        table = self.sql(
            # The values are read twice (quartiles, then whiskers) rather than kept between
            # the passes, and one quantile state serves the three quartiles: less memory.
            f"WITH q AS (SELECT model, quantile_cont(v, [0.25, 0.5, 0.75]) AS qs, "
            f"avg(v) AS mean FROM {values} GROUP BY model) "
            "SELECT q.model, any_value(qs[1]) AS q1, any_value(qs[2]) AS med, "
            "any_value(qs[3]) AS q3, "
            # matplotlib's rule: a whisker never reaches into the box
            "least(coalesce(min(a.v) FILTER (WHERE a.v >= qs[1] - 1.5 * (qs[3] - qs[1])), "
            "'inf'::DOUBLE), any_value(qs[1])) AS whislo, "
            "greatest(coalesce(max(a.v) FILTER (WHERE a.v <= qs[3] + 1.5 * (qs[3] - qs[1])), "
            "'-inf'::DOUBLE), any_value(qs[3])) AS whishi, any_value(q.mean) AS mean "
            f"FROM {values} JOIN q ON a.model = q.model GROUP BY q.model ORDER BY q.model",
            *params,
            *params,
        ).set_index("model")
        table.index = table.index.astype(str)
        table = table.astype("float64")[mem.BOX_COLUMNS]
        table.attrs = {**self.attrs, "metric": metric}
        return table

    def answer_summary(self, **filters: Any) -> dict[str, Any]:
        """How many answers, chats and models the filters let through, and the first and
        last answer's time (None when there is none)."""
        where, params = self.where(**filters)
        row = self._run(
            "SELECT count(*), count(DISTINCT chat_id), list(DISTINCT model ORDER BY model), "
            f"min(timestamp), max(timestamp) FROM messages WHERE {where}",
            params,
        ).fetchone()
        assert row is not None
        stamp = [None if t is None else pd.Timestamp(t).tz_convert("UTC") for t in row[3:]]
        return {
            "answers": int(row[0]),
            "chats": int(row[1]),
            "models": [str(m) for m in row[2] or []],
            "first": stamp[0],
            "last": stamp[1],
        }

    def user_names(self) -> pd.DataFrame:
        """Each user with messages: ``user_id`` and, from the ``users`` table, ``user_name``."""
        frame = self.sql(
            "SELECT m.user_id, u.name AS user_name FROM (SELECT DISTINCT user_id FROM messages "
            "WHERE user_id IS NOT NULL) m LEFT JOIN (SELECT user_id, any_value(name) AS name "
            "FROM users GROUP BY user_id) u ON u.user_id = m.user_id ORDER BY m.user_id"
        )
        return frame.astype({"user_id": "string", "user_name": "string"})


def _time_metric(metric: str) -> None:
    if metric not in mem.TIME_METRICS:
        raise ValueError(f"metric must be one of {', '.join(mem.TIME_METRICS)}")


def _utc(value: Any) -> dt.datetime:
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.to_pydatetime()


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _manifest(path: str) -> dict[str, Any]:
    try:
        with open(os.path.join(path, ".owui", "current", "manifest.json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}
