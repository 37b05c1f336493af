"""Usage analytics at deployment scale: the server's chats as a local Parquet dataset.

    from owui_notebook.dataset import sync_dataset, Dataset

    sync_dataset(client, "owui-data")        # first run: everything; later: what changed
    ds = Dataset("owui-data")
    ds.usage_over_time(freq="week", metric="total_tokens")   # DuckDB over the files

``DIR/chats/month=YYYY-MM/*.parquet`` holds one row per chat (`CHAT_COLUMNS`) and
``DIR/messages/month=YYYY-MM/*.parquet`` one row per message (`MESSAGE_COLUMNS` plus
``user_id``) and ``DIR/users/users.parquet`` (id, name, email, role), the first two
Hive-partitioned by the month each chat was created: DuckDB, Dask, Spark and
pandas read them as they are. Needs the ``analytics`` extra
(``pip install 'owui-notebook[analytics]'``: pyarrow and duckdb), imported only when used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import OpenWebUI
    from ._query import Dataset
    from ._sync import SyncResult

__all__ = ["Dataset", "SyncResult", "sync_dataset"]

_HINT = "the dataset needs pyarrow and duckdb: pip install 'owui-notebook[analytics]'"


def _require() -> None:
    try:
        import duckdb  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        raise ImportError(_HINT) from None


def sync_dataset(
    client: OpenWebUI,
    directory: str,
    *,
    since: Any = None,
    full: bool = False,
    progress: bool | None = None,
    all_users: bool = False,
) -> SyncResult:
    """Export this user's chats into the Parquet dataset `directory`, or update it.

    The first run fetches every chat; later runs fetch only chats that are new or changed
    and drop deleted ones. Interrupted, it leaves the dataset as it was, and the next run
    resumes. `since` (first run) keeps only chats changed after then; `full` refetches all.
    `all_users` (admins) exports every user's chats, with a ``users`` table of names.
    """
    _require()
    from ._sync import sync_dataset as run

    return run(client, directory, since=since, full=full, progress=progress, all_users=all_users)


def __getattr__(name: str) -> Any:
    if name in ("Dataset", "SyncResult"):
        _require()
        from . import _query, _sync

        return _query.Dataset if name == "Dataset" else _sync.SyncResult
    raise AttributeError(name)
