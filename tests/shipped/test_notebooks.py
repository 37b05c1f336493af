"""The notebooks in notebooks/, each run top to bottom in a real kernel against the test server."""

from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import nbformat
import pytest

from owui_notebook.client import OpenWebUI, validate_history
from owui_notebook.client.history import thread as history_thread
from owui_notebook.notebook_runner import run_notebook
from owui_notebook.sandbox.tool_server import forecast
from tests.helpers.chats import saved
from tests.helpers.commands import REPO

NOTEBOOKS = REPO / "notebooks"
CHAT_ID = re.compile(r"/c/([0-9a-f-]{36})")


def execute(name: str, box, out: Path):
    run = run_notebook(
        NOTEBOOKS / name, out, env={"OWUI_URL": box.url, "OWUI_API_KEY": box.api_key}
    )
    assert run.errors == [], run.errors[0].error if run.errors else ""
    assert run.ipynb.exists() and run.html.exists()
    text = nbformat.writes(run.notebook) + run.html.read_text()
    assert box.api_key not in text and box.jwt not in text
    return run


def outputs(run, marker: str) -> list:
    cell = next(c for c in run.notebook.cells if c.cell_type == "code" and marker in c.source)
    return cell.outputs


def data(output, mime: str = "text/plain") -> str:
    return output.get("data", {}).get(mime, "")


def saved_chat(box, chat_id: str):
    with OpenWebUI(box.url, box.api_key) as client:
        return saved(client, chat_id)


def test_notebooks_are_stored_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, path.name


def test_quickstart(owui_sandbox, tmp_path):
    run = execute("01-quickstart.ipynb", owui_sandbox, tmp_path)
    connect = outputs(run, "%owui connect")[0]
    assert connect.text.startswith(f"Open WebUI {owui_sandbox.version} at {owui_sandbox.url}")
    assert "<table" in data(outputs(run, "%owui models")[0], "text/html")

    (first,) = outputs(run, "What is a B-tree?")
    assert first.output_type == "display_data"
    model = re.match(r"(\w+) says: turn 1\.", data(first)).group(1)
    assert data(first).endswith("You said: What is a B-tree? Answer in two sentences.")
    # The streamed display's final state is the rendered answer with its footer and link.
    assert "first token" in data(first, "text/html")
    assert data(outputs(run, "binary search tree")[0]).startswith(f"{model} says: turn 2.")
    third = data(outputs(run, "Explain B-trees again")[0])
    assert "for a data scientist who knows pandas, in one short paragraph" in third
    assert "words" in outputs(run, "len(answer.split())")[0].text

    link = data(outputs(run, "%owui open")[0])
    chat_id = CHAT_ID.search(link).group(1)
    assert chat_id in data(outputs(run, "r = _owui")[0])
    chat = saved_chat(owui_sandbox, chat_id)
    thread = [m["content"] for m in history_thread(chat.history)]
    assert len(thread) == 6 and thread[-1] == third
    history = data(outputs(run, "%owui history")[0], "text/html")
    assert "binary search tree" in history


def test_model_comparison(owui_sandbox, tmp_path):
    run = execute("02-model-comparison.ipynb", owui_sandbox, tmp_path)
    picked = ast.literal_eval(data(outputs(run, "picked = list")[0]))
    assert len(picked) == 3
    table = data(outputs(run, "await panel.wait()\npanel.results")[0])
    for model in picked:
        assert re.search(rf"{model}\s+[\d.]+\s+[\d.]+\s+\d+\s+[\d.]+\s+ok", table), table
    leaderboard = data(outputs(run, "panel.leaderboard()")[0])
    assert picked[0] in leaderboard.splitlines()[1]  # rated +1: ranked first

    compare = outputs(run, "%%owui compare")
    assert [o.output_type for o in compare] == ["display_data", "execute_result"]
    for model in picked:
        assert f"{model} says: turn 1. You said: Name three uses of a hash map." in data(compare[0])
    chat_id = CHAT_ID.search(data(compare[0], "text/html")).group(1)
    chat = saved_chat(owui_sandbox, chat_id)
    assert sorted(chat.chat["models"]) == sorted(picked)

    summary = data(outputs(run, "prompts = [")[0])
    for model in picked:
        assert re.search(rf"^{model}\s+4\s", summary, re.M), summary  # 4 panel runs each
    assert "image/png" in outputs(run, "plot.barh")[-1]["data"]


def test_usage_analytics(owui_sandbox, tmp_path):
    run = execute("03-usage-analytics.ipynb", owui_sandbox, tmp_path)
    chats = int(data(outputs(run, "existing = frames.chats_frame")[0]))
    assert chats >= 5
    for marker in ("chats.head()", "messages[[", "usage.head()", "export[[", "pivot_table"):
        assert "<table" in data(outputs(run, marker)[-1], "text/html"), marker
    assert data(outputs(run, 'usage.attrs["source"]')[0]).strip("'").startswith("server:")
    for marker in ("usage_over_time", "response_times", "message_lengths"):
        kinds = [o.output_type for o in outputs(run, marker)]
        assert any("image/png" in o.get("data", {}) for o in outputs(run, marker)), (marker, kinds)
    ratings = data(outputs(run, "ratings_by_model")[0])
    assert "answers" in ratings
    # The dashboard the docs advertise: a widget, loaded, its usage table filled.
    shown = outputs(run, "board = dashboard()")[0]
    assert "application/vnd.jupyter.widget-view+json" in shown["data"]
    assert "<table" in data(outputs(run, 'board.tables["usage"]')[0], "text/html")


@pytest.mark.parametrize("name", ["01-quickstart.ipynb"])
def test_quickstart_needs_only_the_environment(name):
    """Against a user's own server only the connect cell's environment changes: no cell
    names the sandbox, a URL or a key."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "127.0.0.1" not in code and "sk-" not in code and "localhost" not in code


def test_beyond_chat(owui_sandbox, tmp_path):
    run = execute("04-beyond-chat.ipynb", owui_sandbox, tmp_path)
    table = data(outputs(run, "Which regions stand out?")[0])
    assert "| West | 3570 |" in table and "35 more rows not shown (40 rows × 3 columns" in table
    assert data(outputs(run, "--image fig")[0]).endswith("What does this chart show? [1 image].")
    assert "Tell me more." in data(outputs(run, "_owui.follow_ups")[0])
    assert "2 + 40 = 42" in data(outputs(run, "--tool owui_demo_calc")[0], "text/html")
    assert "'result': '2 + 40 = 42'" in data(outputs(run, "_owui.tool_calls")[0])
    assert "falcon.md" in data(outputs(run, "--kb owui-demo-projects")[0], "text/html")
    assert "Its lead is Ada" in data(outputs(run, "--kb owui-demo-projects")[0])
    # The cell first says what the saved prompt took from the notebook, then answers.
    took, *shown = outputs(run, "/owui-demo-brief")
    assert took.output_type == "stream" and "took from the notebook: topic = " in took.text
    brief = data(shown[0])
    assert "Explain write-ahead logging to " in brief and " in one sentence, as of 20" in brief
    assert "/notes/" in data(outputs(run, "%owui note --title")[0])
    status = data(outputs(run, "result = _owui")[0])
    assert status.startswith("('answered',") and "Orders are mostly read by date range" in status
    assert "Use a <strong>B-tree</strong> index" in data(
        outputs(run, "%%owui task")[0], "text/html"
    )
    research = data(outputs(run, "research = _owui")[0])
    assert research.startswith("('reported',") and "'beta')" in research
    assert "For date-range reads, choose a <strong>B-tree</strong>." in data(
        outputs(run, "%%owui research")[0], "text/html"
    )
    # Every chat it made is a valid tree, and the clean-up left nothing behind.
    with OpenWebUI(owui_sandbox.url, owui_sandbox.api_key) as client:
        for marker in ("--kb owui-demo-projects", "%%owui task", "%%owui research"):
            chat_id = CHAT_ID.search(data(outputs(run, marker)[0], "text/html")).group(1)
            assert validate_history(client.chats.get(chat_id)) == []
        assert "owui_demo_calc" not in [t.id for t in client.tools.list()]
        assert not [k for k in client.knowledge.list() if k.name.startswith("owui-demo")]
        assert not [p for p in client.prompts.list() if p.command.startswith("owui-demo")]
        assert not [n for n in client.notes.list() if n.title.startswith("owui-demo")]


def test_tool_servers(owui_sandbox, tmp_path):
    run = execute("05-tool-servers.ipynb", owui_sandbox, tmp_path)
    tool = "server:owui-demo-weather"
    connected = ast.literal_eval(data(outputs(run, "conn = client.tool_servers.add")[0]))
    assert connected == ("Weather and rates", tool, ["weather", "convert"])
    listing = data(outputs(run, "%owui tools")[0], "text/html")
    assert tool in listing and "tool server" in listing

    # The tool server answered, and its answer is in the reply: shown, listed and saved.
    lima = forecast("Lima")
    facts = [f'"{key}": {json.dumps(value)}' for key, value in lima.items()]
    (answer,) = outputs(run, "%%owui chat --new --tool")
    assert all(fact in data(answer) for fact in facts), data(answer)
    assert f"🔧 {tool}/weather(city=&#x27;Lima&#x27;)" in data(answer, "text/html")
    calls = ast.literal_eval(data(outputs(run, "for call in _owui.tool_calls")[0]))
    assert [(n, p, json.loads(r)) for n, p, r in calls] == [
        (f"{tool}/weather", {"city": "Lima"}, lima)
    ]
    printed, shown = outputs(run, "result = chat.send(")
    assert '"result": 18.0' in printed.text
    (call,) = ast.literal_eval(data(shown))
    assert call["name"] == f"{tool}/convert" and call["parameters"] == {"amount": 12, "rate": 1.5}
    assert json.loads(call["result"])["result"] == 18.0

    weather_chat = CHAT_ID.search(data(answer, "text/html")).group(1)
    convert_chat = CHAT_ID.search(data(outputs(run, "chat.url")[0])).group(1)
    for chat_id, said in ((weather_chat, facts), (convert_chat, ['"result": 18.0'])):
        reply = history_thread(saved_chat(owui_sandbox, chat_id).history)[-1]
        assert reply["role"] == "assistant" and all(s in reply["content"] for s in said)
    # The clean-up disconnected it, so a re-run starts clean.
    with OpenWebUI(owui_sandbox.url, owui_sandbox.api_key) as client:
        assert tool not in [s.tool_id for s in client.tool_servers.list()]


# Cells that leave something besides chats on the server (04's demo tool, knowledge base,
# prompt and note; 05's tool server connection), and the clean-up cell that removes it all.
LEAVES_SOMETHING = (
    "tools.create(",
    "knowledge.create_many(",
    "prompts.create(",
    "%owui note -",
    "tool_servers.add(",
)
CLEANUP = "## Clean up"


def interruption_points(nb) -> list[int]:
    """Cell indices to interrupt a run after: the first cell that leaves something behind
    and the last cell before the clean-up (where the most is left); the middle code cell
    in a notebook that makes only chats."""
    code = [k for k, c in enumerate(nb.cells) if c.cell_type == "code"]
    makers = [k for k in code if any(m in nb.cells[k].source for m in LEAVES_SOMETHING)]
    if not makers:
        return [code[len(code) // 2]]
    cleanup = next(k for k, c in enumerate(nb.cells) if c.source.startswith(CLEANUP))
    return [makers[0], max(k for k in code if k < cleanup)]


def run_cells(nb, cells: list[int], box, *, interrupt: bool) -> None:
    """Run `nb`'s `cells` in a new kernel, in the notebooks' folder; with `interrupt`, stop
    the run after them as Ctrl-C does (a KeyboardInterrupt in the cell running)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    part = nbformat.from_dict(nb)
    part.cells = [part.cells[k] for k in cells]
    if interrupt:
        part.cells.append(nbformat.v4.new_code_cell("raise KeyboardInterrupt"))
    client = NotebookClient(
        part, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    )
    env = {**os.environ, "OWUI_URL": box.url, "OWUI_API_KEY": box.api_key}
    try:
        client.execute(env=env)
    except CellExecutionError as exc:
        assert interrupt and "KeyboardInterrupt" in str(exc), str(exc)
    else:
        assert not interrupt
    # Every cell before the interruption ran cleanly (on what earlier runs left).
    ran = [c for c in part.cells[: len(cells)] if c.cell_type == "code"]
    assert [o for c in ran for o in c.outputs if o.output_type == "error"] == []


def nothing_left_behind(box) -> None:
    with OpenWebUI(box.url, box.api_key) as client:
        assert "owui_demo_calc" not in [t.id for t in client.tools.list()]
        assert not [k for k in client.knowledge.list() if k.name.startswith("owui-demo")]
        assert not [p for p in client.prompts.list() if p.command.startswith("owui-demo")]
        assert not [n for n in client.notes.list() if n.title.startswith("owui-demo")]
        assert not [s for s in client.tool_servers.list() if s.id.startswith("owui-demo")]
    assert not (NOTEBOOKS / "owui-demo-docs").exists()


@pytest.mark.parametrize("name", sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")))
def test_a_notebook_runs_again_after_an_interruption(name, owui_sandbox, tmp_path):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    first, *later = interruption_points(nb)
    run_cells(nb, list(range(first + 1)), owui_sandbox, interrupt=True)
    cleanup = [k for k, c in enumerate(nb.cells) if c.source.startswith(CLEANUP)]
    if cleanup:
        # The clean-up alone, after a run that made only part of what it removes.
        setup = [k for k in range(first) if "%owui connect" in nb.cells[k].source]
        run_cells(nb, [*setup, setup[-1] + 1, cleanup[0] + 1], owui_sandbox, interrupt=False)
        nothing_left_behind(owui_sandbox)
    # Runs that stop half-way, one after another, each on what the ones before left.
    for stop in later:
        run_cells(nb, list(range(stop + 1)), owui_sandbox, interrupt=True)
    execute(name, owui_sandbox, tmp_path)
    nothing_left_behind(owui_sandbox)
