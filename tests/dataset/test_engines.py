"""The dataset's layout is the interface: Dask reads it and gets DuckDB's answers; the
client core and ``%load_ext`` import none of the analytics packages."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from owui_notebook.dataset import Dataset, sync_dataset
from owui_notebook.dataset._query import answer_rule


def test_dask_on_a_local_cluster_gets_duckdbs_answers(account_timed, tmp_path):
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    with account_timed.client() as client:
        sync_dataset(client, str(tmp_path), progress=False)
    ds = Dataset(tmp_path)
    expected = ds.sql(
        "SELECT model, count(*) AS answers, sum(total_tokens) AS total_tokens, "
        "sum(content_length) AS characters FROM messages "
        f"WHERE {answer_rule()} GROUP BY model ORDER BY model"
    ).set_index("model")
    per_user = ds.usage_by_user()
    cluster = distributed.LocalCluster(n_workers=2, processes=False, dashboard_address=None)
    with cluster, distributed.Client(cluster):
        # fsspec URL: the same call reads s3://, gs://, abfs://... with their packages.
        messages = dd.read_parquet(f"file://{tmp_path}/messages", engine="pyarrow")
        # An answer, as `frames.analysis.answer_mask` says: a failed one without text is none.
        failed = messages["error"].fillna(False).astype(bool) & (
            messages["content_length"].fillna(0) == 0
        )
        answers = messages[(messages["role"] == "assistant") & ~messages["model"].isna() & ~failed]
        got = (
            answers.groupby("model")
            .agg(
                answers=("message_id", "count"),
                total_tokens=("total_tokens", "sum"),
                characters=("content_length", "sum"),
            )
            .compute()
            .sort_index()
        )
        users = answers.groupby("user_id")["total_tokens"].sum().compute()
    assert not expected.empty
    pd.testing.assert_frame_equal(
        got.astype("int64"), expected.astype("int64"), check_names=False, check_index_type=False
    )
    assert users.astype("int64").to_dict() == per_user["total_tokens"].astype("int64").to_dict()


def test_client_core_and_load_ext_import_no_analytics_package():
    code = (
        "import sys, owui_notebook, owui_notebook.client, owui_notebook.magics;"
        "from IPython.testing.globalipapp import start_ipython;"
        "ip = start_ipython(); ip.run_line_magic('load_ext', 'owui_notebook');"
        "heavy = [m for m in ('pyarrow', 'duckdb', 'dask', 'distributed', "
        "'owui_notebook.dataset._sync') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
