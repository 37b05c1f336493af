"""%%owui chat and %%owui compare in a real IPython shell against a real Open WebUI."""

from __future__ import annotations

import pytest

from owui_notebook.client import validate_history
from owui_notebook.client.history import thread
from tests.helpers.chats import saved


def test_connect_shows_server_user_and_model_never_the_key(shell, owui_sandbox, monkeypatch):
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    run = shell.run(f"%owui connect {owui_sandbox.url}")
    assert run.error is None
    line = run.stdout.strip()
    assert line.startswith(f"Open WebUI {owui_sandbox.version} at {owui_sandbox.url}")
    assert "(admin)" in line and "model alpha" in line
    status = shell.run("%owui status")
    assert status.stdout.strip() == line
    for r in (run, status):
        assert owui_sandbox.api_key not in r.everything()


def test_connect_with_key_env(shell, owui_sandbox, monkeypatch):
    monkeypatch.setenv("MY_OWUI_KEY", owui_sandbox.api_key)
    run = shell.run(f"%owui connect {owui_sandbox.url} --key-env MY_OWUI_KEY")
    assert run.error is None and "Open WebUI" in run.stdout
    missing = shell.run(f"%owui connect {owui_sandbox.url} --key-env NOT_SET_ANYWHERE")
    assert "$NOT_SET_ANYWHERE is not set" in missing.stderr


def test_streams_live_and_continues_the_chat_across_cells(connected, client, provider):
    provider.configure("alpha", tokens_per_second=60, answer_tokens=40)
    first = connected.run("%%owui chat --new -m alpha\nWhat is a B-tree?")
    assert first.error is None, first.stderr
    updates = first.outputs
    # Live: the answer's place first, then growing partial renders, then the final render.
    assert len(updates) >= 4
    assert updates[0].update is False and all(o.update for o in updates[1:])
    partial = [o.data["text/plain"] for o in updates[1:-1]]
    assert any(0 < len(p) < len(first.final_plain) for p in partial)
    result = connected.ns["_owui"]
    chat_id = result.chat_id
    record = saved(client, chat_id)
    answer = record.messages[result.message_id]
    assert first.final_plain == answer["content"] == result.content
    assert "open chat" in first.html[-1] and chat_id in first.html[-1]

    provider.configure("alpha", tokens_per_second=0, answer_tokens=None)
    second = connected.run("%%owui chat\nAnd a B+ tree?")
    assert second.error is None, second.stderr
    assert second.final_plain == "alpha says: turn 2. You said: And a B+ tree?"
    assert connected.ns["_owui"].chat_id == chat_id
    record = saved(client, chat_id)
    assert validate_history(record.chat) == []
    contents = [m["content"] for m in thread(record.history)]
    assert contents[0] == "What is a B-tree?" and contents[2] == "And a B+ tree?"
    assert len(contents) == 4
    # A meaningful title: the server's title task (the provider answers the first words).
    assert record.title == "What is a B-tree?"


def test_model_switch_then_new_chat(connected, client):
    connected.run("%%owui chat --new -m alpha\nhello")
    switched = connected.run("%%owui chat -m beta\nyour turn")
    assert switched.final_plain.startswith("beta says: turn 2.")
    again = connected.run("%%owui chat\nstill you?")
    assert again.final_plain.startswith("beta says: turn 3.")
    chat_id = connected.ns["_owui"].chat_id
    models = [m.get("model") for m in thread(saved(client, chat_id).history)]
    assert models == [None, "alpha", None, "beta", None, "beta"]
    connected.run("%owui new")
    fresh = connected.run("%%owui chat\nstart over")
    # -m belongs to its chat; a new chat starts with the session's model.
    assert fresh.final_plain.startswith("alpha says: turn 1.")
    assert connected.ns["_owui"].chat_id != chat_id
    connected.run("%owui use gamma")
    assert connected.run("%%owui chat\nnow gamma").final_plain.startswith("gamma says: turn 2")


def test_a_turn_cut_short_keeps_its_model_for_the_next_cell(connected, client, provider):
    """Issue 16: the magic wrote `-m` back into the chat only after a turn that ended well,
    so after a cut one the next cell asked the old model, though the saved chat (and the
    web UI, and --chat) had moved on to the new one."""
    connected.run("%%owui chat --new -m alpha\nhello")
    provider.configure("beta", drop_after=2)
    cut = connected.run("%%owui chat -m beta\nyour turn")
    assert isinstance(cut.error, Exception)
    provider.configure("beta", drop_after=None)
    chat_id = connected.ns["_owui"].chat_id
    assert saved(client, chat_id).chat["models"] == ["beta"]
    again = connected.run("%%owui chat\nstill you?")
    assert again.final_plain.startswith("beta says: turn 3."), again.final_plain


def test_variables_output_var_and_system(connected, client):
    connected.ns.update(topic="indexes", n=3, row={"k": "v"})
    run = connected.run(
        '%%owui chat --new -m alpha -o answer --system "Be brief."\n'
        "Explain {topic} in {n} lines; {{literal}} {row[k]}"
    )
    assert run.error is None, run.stderr
    expected = (
        "alpha says: turn 1. You said: Explain indexes in 3 lines; {literal} v System: Be brief."
    )
    assert connected.ns["answer"] == expected == run.final_plain
    record = saved(client, connected.ns["_owui"].chat_id)
    assert record.chat.get("system") == "Be brief." or record.chat["params"]["system"] == (
        "Be brief."
    )


def test_format_code_puts_the_code_in_a_new_cell(connected, provider):
    provider.configure("alpha", reply="Here:\n\n```python\nprint('hi')\nx = 1\n```\n\nDone.")
    connected.ip.rl_next_input = None
    run = connected.run("%%owui chat --new -m alpha --format code\nwrite code")
    assert run.error is None, run.stderr
    assert connected.ip.rl_next_input == "print('hi')\nx = 1"
    assert '<pre><code class="language-python">' in run.html[-1]


def test_format_json_parses_into_the_output_variable(connected, provider):
    provider.configure("alpha", reply='```json\n{"a": 1, "b": [2, 3]}\n```')
    run = connected.run("%%owui chat --new -m alpha --format json -o data\ngive json")
    assert run.error is None, run.stderr
    assert connected.ns["data"] == {"a": 1, "b": [2, 3]}
    provider.configure("alpha", reply="not json at all")
    bad = connected.run("%%owui chat -m alpha --format json -o data2\nagain")
    assert "not valid JSON" in bad.stderr and connected.ns["data2"] == "not json at all"
    # The answer was still saved in the chat, as the message says.
    assert connected.ns["_owui"].content == "not json at all"


def test_format_text_and_html_are_inert(connected, provider):
    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>[x](javascript:alert(3))"
    provider.configure("alpha", reply=payload)
    md = connected.run("%%owui chat --new -m alpha\nhostile")
    for markup in md.html:
        assert "<img" not in markup and "<script" not in markup
        assert 'href="javascript' not in markup
    text = connected.run("%%owui chat -m alpha --format text\nhostile")
    assert "&lt;script&gt;" in text.html[-1]
    frame = connected.run("%%owui chat -m alpha --format html\nhostile")
    assert '<iframe sandbox=""' in frame.html[-1] and "<script" not in frame.html[-1]


def test_no_stream_renders_once(connected):
    run = connected.run("%%owui chat --new -m alpha --no-stream\nquiet please")
    assert run.error is None
    assert len(run.outputs) == 1
    assert run.final_plain == "alpha says: turn 1. You said: quiet please."


def test_folder_and_tags(connected, client):
    run = connected.run(
        "%%owui chat --new -m alpha --folder 'Magic Tests' --tag db --tag notes\nhi"
    )
    assert run.error is None, run.stderr
    record = saved(client, connected.ns["_owui"].chat_id)
    folder = client.folders.find("Magic Tests")
    assert folder is not None and record.folder_id == folder.id
    assert {t.name.lower() for t in client.chats.tags(record.id)} >= {"db", "notes"}
    # Tags given on a later cell are added to the same chat.
    connected.run("%%owui chat --tag later\nmore")
    assert "later" in {t.name.lower() for t in client.chats.tags(record.id)}


def test_continue_a_saved_chat_by_id_and_title(connected, client):
    connected.run("%%owui chat --new -m alpha\nUnique zebra title words here")
    chat_id = connected.ns["_owui"].chat_id
    title = saved(client, chat_id).title
    connected.run("%owui new")
    by_id = connected.run(f"%%owui chat --chat {chat_id}\nback again")
    assert by_id.final_plain.startswith("alpha says: turn 2.")
    by_title = connected.run(f'%%owui chat --chat "{title}"\nand again')
    assert by_title.final_plain.startswith("alpha says: turn 3.")
    assert connected.ns["_owui"].chat_id == chat_id
    missing = connected.run("%%owui chat --chat no-such-chat-anywhere\nhello")
    assert "no chat with id or title 'no-such-chat-anywhere'" in missing.stderr


def test_compare_three_models_side_by_side(connected, client, provider):
    provider.configure("gamma", tokens_per_second=80, answer_tokens=30)
    run = connected.run("%%owui compare -m alpha,beta,gamma -o answers\nSame question")
    assert run.error is None, run.stderr
    frame = run.value
    assert list(frame.index) == ["alpha", "beta", "gamma"]
    assert (frame["status"] == "ok").all()
    assert frame["ttft_s"].notna().all() and frame["completion_tokens"].notna().all()
    assert connected.ns["answers"]["beta"] == "beta says: turn 1. You said: Same question."
    final = run.html[-1]
    assert final.count("owui-compare") == 1 and all(m in final for m in ("alpha", "beta"))
    results = connected.ns["_owui"]
    record = saved(client, results[0].chat_id)
    assert validate_history(record.chat) == []
    user = next(m for m in record.messages.values() if m["role"] == "user")
    assert len(user["childrenIds"]) == 3
    # The compared chat is now the current one: %owui open links to it.
    link = connected.run("%owui open")
    assert record.id in link.value.data


def test_compare_with_one_failing_model(connected, provider):
    provider.configure("delta", fail_status=500, fail_message="GPU on fire")
    run = connected.run("%%owui compare -m alpha,delta\nboth please")
    assert run.error is None, run.stderr
    frame = run.value
    assert frame.loc["alpha", "status"] == "ok"
    assert frame.loc["delta", "status"] == "error"
    assert "GPU on fire" in run.html[-1] or "delta" in run.html[-1]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("%%owui chat -m no-such-model\nhello", "no model 'no-such-model'"),
        ("%%owui chat -m alpah\nhello", "did you mean 'alpha'"),
        ("%%owui chat\n   \n", "the cell is empty"),
        ("%%owui chat\nhello {undefined_thing}", "no variable 'undefined_thing'"),
        ("%%owui chat --temperature 9\nhello", "must be between 0 and 2"),
        ("%%owui compare -m alpha\nhello", "at least two models"),
        ("%%owui chat --file /no/such/file.txt\nhello", "no such file"),
        ("%owui use nothing-like-this", "no model 'nothing-like-this'"),
    ],
)
def test_user_errors_are_one_line_and_lose_nothing(connected, client, cell, expected):
    connected.run("%%owui chat --new -m alpha\nkeep me")
    before = connected.ns["_owui"]
    run = connected.run(cell)
    assert isinstance(run.error, Exception)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("UsageError: ") and expected in lines[0]
    assert "Traceback" not in run.stderr
    # The conversation goes on where it was.
    after = connected.run("%%owui chat\ncontinue")
    assert after.final_plain.startswith("alpha says: turn 2.")
    assert connected.ns["_owui"].chat_id == before.chat_id


def test_not_connected_bad_key_and_server_down(shell, owui_sandbox, monkeypatch):
    run = shell.run("%%owui chat\nhello")
    assert "not connected: run %owui connect URL" in run.stderr
    monkeypatch.setenv("OWUI_API_KEY", "sk-definitely-wrong-key-123456")
    bad = shell.run(f"%owui connect {owui_sandbox.url}")
    assert bad.stderr.startswith("UsageError:") and "401" in bad.stderr
    assert "sk-definitely-wrong-key-123456" not in bad.everything()
    from owui_notebook.sandbox.server import free_port

    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    down = shell.run(f"%owui connect http://127.0.0.1:{free_port()}")
    assert down.stderr.startswith("UsageError:") and len(down.stderr.strip().splitlines()) == 1


def test_connects_from_the_environment_on_first_use(shell, owui_sandbox, monkeypatch):
    monkeypatch.setenv("OWUI_URL", owui_sandbox.url)
    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox.api_key)
    run = shell.run("%%owui chat --new\nno connect cell needed")
    assert run.error is None, run.stderr
    assert run.final_plain.startswith("alpha says: turn 1.")


def test_line_and_cell_misuse(shell):
    assert "chat is a cell magic" in shell.run("%owui chat").stderr
    assert "takes no cell" in shell.run("%%owui models\nx").stderr
    assert "no subcommand 'frobnicate'" in shell.run("%owui frobnicate").stderr


def test_help(shell):
    run = shell.run("%owui help chat")
    assert "--max-tokens N" in run.stdout and "--format" in run.stdout
    full = shell.run("%owui")
    assert "%%owui compare -m M1,M2" in full.stdout
    from owui_notebook.magics import OwuiMagics

    assert "%owui connect" in OwuiMagics.owui.__doc__


def test_terminal_ipython_prints_the_answer_as_it_comes(connected, monkeypatch):
    monkeypatch.setattr("owui_notebook.render.live.rich_frontend", lambda: False)
    run = connected.run("%%owui chat --new -m alpha\nplain terminal")
    assert run.error is None
    assert run.outputs == []
    assert run.stdout == "alpha says: turn 1. You said: plain terminal.\n"


def test_file_attachment_reaches_the_model_and_the_saved_chat(
    connected, client, provider, tmp_path
):
    notes = tmp_path / "notes.txt"
    notes.write_text("The secret ingredient is cardamom-7731.")
    run = connected.run(f"%%owui chat --new -m alpha --file {notes}\nWhat is the ingredient?")
    assert run.error is None, run.stderr
    sent = provider.answer_requests()[-1]
    assert "cardamom-7731" in str(sent["messages"])
    record = saved(client, connected.ns["_owui"].chat_id)
    user = next(m for m in record.messages.values() if m["role"] == "user")
    assert [f["name"] for f in user["files"]] == ["notes.txt"]


def test_chat_and_compare_on_every_server_version(shell, owui_sandbox_any, monkeypatch, tmp_path):
    from owui_notebook.client import OpenWebUI

    monkeypatch.setenv("OWUI_API_KEY", owui_sandbox_any.api_key)
    assert shell.run(f"%owui connect {owui_sandbox_any.url}").error is None
    first = shell.run("%%owui chat --new -m alpha\nhello there")
    second = shell.run("%%owui chat\nand again")
    assert second.final_plain == "alpha says: turn 2. You said: and again."
    chat_id = shell.ns["_owui"].chat_id
    compared = shell.run("%%owui compare -m beta,gamma\nboth")
    assert first.error is None and compared.error is None, compared.stderr
    assert list(compared.value.index) == ["beta", "gamma"]
    with OpenWebUI(owui_sandbox_any.url, owui_sandbox_any.api_key) as client:
        for cid in (chat_id, shell.ns["_owui"][0].chat_id):
            assert validate_history(client.chats.get(cid).chat) == []
    notes = tmp_path / "notes.md"
    notes.write_text("Remember the number 42-teal.")
    provider = owui_sandbox_any.provider
    attached = shell.run(f"%%owui chat --new -m alpha --file {notes}\nWhich number?")
    assert attached.error is None, attached.stderr
    sent = provider.answer_requests()[-1]
    assert "42-teal" in str(sent["messages"])


def test_sequential_compare_asks_one_model_after_another(connected, provider):
    provider.configure("alpha", ttft=0.3)
    provider.configure("beta", ttft=0.3)
    run = connected.run("%%owui compare -m alpha,beta --sequential\nin turn")
    assert run.error is None, run.stderr
    alpha, beta = connected.ns["_owui"]
    # beta's request went out only when alpha's answer had ended.
    assert beta.timings.started_at >= alpha.timings.started_at + alpha.timings.total - 0.01


def test_huge_cell_is_refused_before_sending(connected):
    connected.ns["blob"] = "x" * 1_100_000
    run = connected.run("%%owui chat --new -m alpha\n{blob}")
    assert "characters long" in run.stderr and "--file" in run.stderr
