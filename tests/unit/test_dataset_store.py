"""Building a generation: rows of dropped chats leave a file read a batch at a time."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

pytest.importorskip("duckdb")

from owui_notebook.dataset import _store


def _file(path, ids):
    pq.write_table(pa.table({"chat_id": ids, "n": list(range(len(ids)))}), path, row_group_size=4)
    return path


def test_a_dropped_chat_in_any_batch_is_found_and_only_its_rows_go(tmp_path, monkeypatch):
    monkeypatch.setattr(_store, "BATCH_ROWS", 4)  # ten rows: three batches
    ids = [f"c{i}" for i in range(10)]
    src = _file(tmp_path / "src.parquet", ids)
    assert _store._holds_any(src, "chat_id", pa.array(["c9"]))  # in the last batch only
    assert not _store._holds_any(src, "chat_id", pa.array(["nope"]))

    out = _store._carry(src, tmp_path / "gen" / "out.parquet", "chat_id", pa.array(["c1", "c9"]))
    kept = pq.read_table(out).column("chat_id").to_pylist()
    assert kept == [i for i in ids if i not in ("c1", "c9")]


def test_a_file_with_no_dropped_chat_is_linked_not_rewritten(tmp_path):
    src = _file(tmp_path / "src.parquet", ["a", "b"])
    dst = tmp_path / "gen" / "dst.parquet"
    dst.parent.mkdir()
    _store._carry(src, dst, "chat_id", pa.array(["z"]))
    assert dst.stat().st_ino == src.stat().st_ino or dst.read_bytes() == src.read_bytes()
