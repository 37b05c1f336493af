"""One call per common question, each answered with a DataFrame (and, on request, a plot).

Every helper takes a `messages_frame` (or a client, or an `ExportCache`, from which it
loads one), so a frame loaded once serves all of them:

    msgs = messages_frame(client)
    usage_over_time(msgs, freq="week", plot=True)
    response_times(msgs)                    # seconds, per model: count, mean, p50, p90...
    message_lengths(msgs)                   # user vs assistant characters
    ratings_by_model(msgs)                  # thumbs up/down per model

``plot=True`` (or ``ax=``) draws the table with matplotlib, the optional ``plot`` extra
(``pip install 'owui-notebook[plot]'``), imported only then.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

FREQS = {"day": "day", "d": "day", "week": "week", "w": "week", "month": "month", "m": "month"}
USAGE_METRICS = ("answers", "prompt_tokens", "completion_tokens", "total_tokens")
TIME_METRICS = ("response_time_s", "ttft_s", "tokens_per_second", "timestamp_gap_s")
_QUANTILES = {"p50": 0.5, "p90": 0.9, "p99": 0.99}
DISTRIBUTION_COLUMNS = ["count", "mean", "std", "min", "p50", "p90", "p99", "max"]
LENGTH_COLUMNS = ["count", "mean", "median", "p90", "max", "total"]
RATING_COLUMNS = ["answers", "rated", "up", "down", "up_share", "net"]
BOX_COLUMNS = ["q1", "med", "q3", "whislo", "whishi", "mean"]


def _messages(data: Any) -> pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    from .messages import messages_frame

    return messages_frame(data)


def answer_mask(frame: pd.DataFrame, *, timed: bool = False) -> pd.Series:
    """Which rows of a messages frame are answers a model gave.

    A failed answer is saved too, with its error (the ``error`` column). With no text it is
    no answer at all: counted, it would pass for a very short one. Its times measure the
    failure, not a generation, so for time figures (`timed`) no failed answer counts.
    """
    keep = (frame["role"] == "assistant") & frame["model"].notna()
    if "error" in frame.columns:
        failed = frame["error"].fillna(False).astype(bool)
        if not timed and "content_length" in frame.columns:
            failed &= frame["content_length"].fillna(0).astype("float64") == 0
        keep &= ~failed
    return keep


def _answers(frame: pd.DataFrame, *, timed: bool = False) -> pd.DataFrame:
    answers = frame[answer_mask(frame, timed=timed)]
    return answers.assign(model=answers["model"].astype(str))


def _period_start(stamps: pd.Series, freq: str) -> pd.Series:
    """The UTC day, Monday-started week or month each timestamp falls in."""
    days = stamps.dt.floor("D")
    if freq == "day":
        return days
    if freq == "week":
        return days - pd.to_timedelta(days.dt.day_of_week, unit="D")
    return days - pd.to_timedelta(days.dt.day - 1, unit="D")


def _range(start: pd.Timestamp, end: pd.Timestamp, freq: str) -> pd.DatetimeIndex:
    step = {"day": "D", "week": "7D"}.get(freq)
    if step is not None:
        return pd.date_range(start, end, freq=step, name="period")
    months = pd.period_range(start.tz_localize(None), end.tz_localize(None), freq="M")
    return pd.DatetimeIndex(months.to_timestamp(), name="period").tz_localize("UTC")


def usage_over_time(
    data: Any,
    *,
    freq: str = "day",
    metric: str = "answers",
    plot: bool = False,
    ax: Any = None,
) -> pd.DataFrame:
    """Use of each model per day, week (from Monday) or month, UTC.

    A wide frame: index ``period`` (the period's start), one column per model, values the
    answers it gave (``metric="answers"``) or their ``prompt_tokens``, ``completion_tokens``
    or ``total_tokens``. Every period from the first to the last is present (0 when unused).
    """
    unit = FREQS.get(str(freq).lower())
    if unit is None:
        raise ValueError(f"freq must be day, week or month, not {freq!r}")
    if metric not in USAGE_METRICS:
        raise ValueError(f"metric must be one of {', '.join(USAGE_METRICS)}")
    frame = _messages(data)
    answers = _answers(frame)
    answers = answers[answers["timestamp"].notna()]
    if answers.empty:
        table = pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC", name="period"), dtype="Int64")
    else:
        periods = _period_start(answers["timestamp"], unit)
        values = (
            pd.Series(1, index=answers.index)
            if metric == "answers"
            else answers[metric].fillna(0).astype("int64")
        )
        table = (
            values.groupby([periods.rename("period"), answers["model"]]).sum().unstack(fill_value=0)
        )
        table = table.reindex(_range(table.index.min(), table.index.max(), unit), fill_value=0)
        table = table.astype("Int64")
    table.columns.name = "model"
    table.attrs = {**dict(frame.attrs), "metric": metric, "freq": unit}
    if plot or ax is not None:
        plot_usage(table, _axes(ax))
    return table


def plot_usage(table: pd.DataFrame, axes: Any) -> None:
    """Draw a `usage_over_time` table on `axes`."""
    metric, unit = table.attrs.get("metric", "answers"), table.attrs.get("freq", "day")
    if len(table) == 1:  # one period: a line has no extent, bars read at a glance
        bars = table.astype("float64")
        bars.index = bars.index.strftime("%Y-%m-%d")
        bars.plot.bar(ax=axes, rot=0)
    elif not table.empty:
        table.astype("float64").plot(ax=axes, marker="o")
    axes.set_title(f"{metric.replace('_', ' ')} per model per {unit}")
    axes.set_xlabel(f"{unit} (UTC)")
    axes.set_ylabel(metric.replace("_", " "))


def response_times(
    data: Any,
    *,
    metric: str = "response_time_s",
    plot: bool = False,
    ax: Any = None,
) -> pd.DataFrame:
    """How fast each model answers: the distribution of `metric` over its answers.

    `metric`: ``response_time_s`` (request to last token), ``ttft_s`` (time to first token),
    ``tokens_per_second``, or ``timestamp_gap_s`` (the server's notion, for comparison).
    Rows: models; columns: count, mean, std, min, p50, p90, p99, max. Only answers with the
    figure count (owui-notebook times the answers it saves; others have none), and never
    failed ones (the ``error`` column).
    """
    if metric not in TIME_METRICS:
        raise ValueError(f"metric must be one of {', '.join(TIME_METRICS)}")
    frame = _messages(data)
    answers = _answers(frame, timed=True)
    answers = answers[answers[metric].notna()]
    groups = answers.groupby("model", sort=True)[metric]
    table = pd.DataFrame(
        {
            "count": groups.count().astype("Int64"),
            "mean": groups.mean(),
            "std": groups.std(),
            "min": groups.min(),
            **{name: groups.quantile(q) for name, q in _QUANTILES.items()},
            "max": groups.max(),
        },
        columns=DISTRIBUTION_COLUMNS,
    )
    table.index.name = "model"
    table.attrs = {**dict(frame.attrs), "metric": metric}
    if plot or ax is not None:
        axes = _axes(ax)
        samples = [answers.loc[answers["model"] == m, metric].to_numpy() for m in table.index]
        if samples:
            axes.boxplot(samples)
            axes.set_xticks(range(1, len(samples) + 1), list(table.index))
        axes.set_title(f"{metric.replace('_', ' ')} per model")
        axes.set_ylabel(metric.replace("_", " "))
    return table


def message_lengths(
    data: Any, *, by: str = "role", plot: bool = False, ax: Any = None
) -> pd.DataFrame:
    """How long messages are, in characters: user messages against answers (``by="role"``),
    or answers per model (``by="model"``). Columns: count, mean, median, p90, max, total."""
    frame = _messages(data)
    if by == "role":
        rows = frame[frame["role"].isin(["user", "assistant"])]
        keys = rows["role"].astype(str)
        order = ["user", "assistant"]
    elif by == "model":
        rows = _answers(frame)
        keys = rows["model"]
        order = sorted(keys.unique())
    else:
        raise ValueError("by must be 'role' or 'model'")
    lengths = rows["content_length"].astype("float64")
    groups = lengths.groupby(keys)
    table = pd.DataFrame(
        {
            "count": groups.count(),
            "mean": groups.mean(),
            "median": groups.median(),
            "p90": groups.quantile(0.9),
            "max": groups.max(),
            "total": groups.sum(),
        },
        columns=LENGTH_COLUMNS,
    ).reindex([k for k in order if k in set(keys)])
    for column in ("count", "max", "total"):
        table[column] = table[column].astype("Int64")
    table.index.name = by
    table.attrs = {**dict(frame.attrs), "unit": "characters"}
    if plot or ax is not None:
        axes = _axes(ax)
        for key in table.index:
            values = lengths[keys == key].dropna().to_numpy()
            if len(values):
                axes.hist(values, bins=min(30, max(5, len(values))), alpha=0.5, label=str(key))
        axes.set_title(f"message length by {by}")
        axes.set_xlabel("characters")
        axes.set_ylabel("messages")
        if len(table):
            axes.legend()
    return table


def ratings_by_model(data: Any, *, plot: bool = False, ax: Any = None) -> pd.DataFrame:
    """Thumbs per model: answers, rated, up, down, up_share (up / rated), net (up - down).

    `data` is a `messages_frame` (ratings saved on the answers) or a `feedback_frame`
    (every user's ratings, for admins; its ``answers`` column is NA).
    """
    frame = _messages(data)
    if "feedback_id" in frame.columns:
        rated = frame[frame["model"].notna()].assign(model=lambda f: f["model"].astype(str))
        answers = None
    else:
        rated = _answers(frame)
        answers = rated.groupby("model").size()
    ratings = rated["rating"]
    by = rated["model"]
    table = pd.DataFrame(
        {
            "rated": ratings.notna().groupby(by).sum(),
            "up": (ratings == 1).fillna(False).groupby(by).sum(),
            "down": (ratings == -1).fillna(False).groupby(by).sum(),
        }
    )
    table.insert(0, "answers", answers if answers is not None else pd.NA)
    for column in ("answers", "rated", "up", "down"):
        table[column] = table[column].astype("Int64")
    table["up_share"] = (table["up"] / table["rated"].replace(0, pd.NA)).astype("float64")
    table["net"] = (table["up"] - table["down"]).astype("Int64")
    table = table[RATING_COLUMNS].sort_index()
    table.index.name = "model"
    table.attrs = dict(frame.attrs)
    if plot or ax is not None:
        plot_ratings(table, _axes(ax))
    return table


def plot_ratings(table: pd.DataFrame, axes: Any) -> None:
    """Draw a `ratings_by_model` table on `axes`."""
    y = np.arange(len(table))
    axes.barh(y, table["up"].fillna(0), color="tab:green", label="up")
    axes.barh(y, -table["down"].fillna(0), color="tab:red", label="down")
    axes.set_yticks(y, list(table.index))
    axes.axvline(0, color="black", linewidth=0.8)
    axes.set_title("ratings per model")
    axes.set_xlabel("thumbs down | thumbs up")
    if len(table):
        axes.legend()


def response_time_boxes(
    data: Any, *, metric: str = "response_time_s", plot: bool = False, ax: Any = None
) -> pd.DataFrame:
    """A box plot's figures of `metric` per model, as matplotlib's ``boxplot`` computes
    them: q1, med, q3, whislo and whishi (the farthest values within 1.5 IQR of the box),
    mean. Small whatever the data (what a dashboard of millions of answers draws)."""
    if metric not in TIME_METRICS:
        raise ValueError(f"metric must be one of {', '.join(TIME_METRICS)}")
    frame = _messages(data)
    answers = _answers(frame, timed=True)
    answers = answers[answers[metric].notna()]
    rows = {}
    for model, group in answers.groupby("model", sort=True)[metric]:
        values = group.astype("float64").to_numpy()
        q1, med, q3 = np.percentile(values, [25, 50, 75])
        reach = 1.5 * (q3 - q1)
        low, high = values[values >= q1 - reach], values[values <= q3 + reach]
        rows[model] = {
            "q1": q1,
            "med": med,
            "q3": q3,
            # matplotlib's rule: a whisker never reaches into the box
            "whislo": min(low.min(), q1) if len(low) else q1,
            "whishi": max(high.max(), q3) if len(high) else q3,
            "mean": values.mean(),
        }
    table = pd.DataFrame.from_dict(rows, orient="index", columns=BOX_COLUMNS, dtype="float64")
    table.index = table.index.astype(str)
    table.index.name = "model"
    table.attrs = {**dict(frame.attrs), "metric": metric}
    if plot or ax is not None:
        plot_boxes(table, _axes(ax))
    return table


def plot_boxes(table: pd.DataFrame, axes: Any) -> None:
    """Draw a `response_time_boxes` table on `axes` (boxes and whiskers, no outliers)."""
    metric = table.attrs.get("metric", "response_time_s")
    stats = [{**row, "label": str(model)} for model, row in table.to_dict("index").items()]
    if stats:
        axes.bxp(stats, showfliers=False)
    axes.set_title(f"{metric.replace('_', ' ')} per model")
    axes.set_ylabel(metric.replace("_", " "))


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError("plotting needs matplotlib: pip install 'owui-notebook[plot]'") from None
    return plt.subplots(figsize=(8, 4))[1]
