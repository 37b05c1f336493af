import json

from owui_notebook.client.sse import SSEDecoder, parse_chunk


def feed_all(lines):
    decoder = SSEDecoder()
    events = [e for line in lines if (e := decoder.feed(line)) is not None]
    last = decoder.flush()
    return events + ([last] if last else [])


def test_events_split_on_blank_lines_and_join_multiline_data():
    events = feed_all(
        ["data: a", "data: b", "", ": comment", "event: x", "data:c", "", "data: tail"]
    )
    assert [(e.event, e.data) for e in events] == [
        ("message", "a\nb"),
        ("x", "c"),
        ("message", "tail"),
    ]


def test_crlf_lines_are_tolerated():
    assert feed_all(["data: 1\r", "\r"])[0].data == "1"


def test_chunk_text_usage_and_finish():
    info = parse_chunk('{"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}')
    assert (info.text, info.usage, info.finish_reason, info.error) == ("Hi", None, None, None)
    info = parse_chunk(
        '{"choices":[{"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3}}'
    )
    assert info.finish_reason == "stop" and info.usage == {"prompt_tokens": 3}
    assert parse_chunk("[DONE]").done


def test_errors_and_odd_shapes_never_raise():
    assert parse_chunk('{"error": {"message": "boom"}}').error == "boom"
    assert parse_chunk('{"detail": "Model not found"}').error == "Model not found"
    assert parse_chunk("{not json").error.startswith("malformed stream data")
    assert parse_chunk("[1, 2]").extra == {"value": [1, 2]}
    assert parse_chunk('{"selected_model_id": "x"}').extra == {"selected_model_id": "x"}
    assert parse_chunk('{"sources": "not a list"}').sources is None
    assert parse_chunk('{"choices": [{"delta": {"content": 5}}]}').text == ""
    assert parse_chunk('{"choices": ["x"]}').text == ""


def test_sources_are_kept_as_sent():
    source = {"source": {"type": "file", "name": "a.md"}, "document": ["x"], "metadata": [{}]}
    info = parse_chunk(json.dumps({"sources": [source, 3]}))
    assert info.sources == [source] and info.extra is None and info.text == ""
