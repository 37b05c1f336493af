import json

from owui_notebook.client.sse import SSEDecoder, StreamEnd, parse_chunk


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


def _end(*datas: str) -> StreamEnd:
    end = StreamEnd()
    for data in datas:
        end.see(parse_chunk(data))
    return end


PROVIDER = (
    '{"id":"chatcmpl-1","model":"alpha","choices":[{"delta":{"content":"%s"},"finish_reason":%s}]}'
)
TEMPLATE = (
    '{"id":"mypipe-0b7a8c5e-3f6d-4b1e-9a2f-5c8d7e6f1a2b","model":"mypipe",'
    '"choices":[{"index":0,"delta":{"content":"%s"},"finish_reason":null}]}'
)


def test_a_stream_is_complete_with_done_or_a_finish_reason():
    assert _end(PROVIDER % ("Hi", "null"), PROVIDER % ("", '"stop"'), "[DONE]").complete
    assert _end(PROVIDER % ("Hi", "null"), PROVIDER % ("", '"length"')).complete
    assert _end(PROVIDER % ("Hi", "null"), "[DONE]").complete
    assert _end(PROVIDER % ("Hi", "null"), PROVIDER % ("", '"stop"')).finish_reason == "stop"


def test_a_stream_that_just_stops_is_not_complete():
    assert not _end().complete  # no body at all
    assert not _end('{"choices":[{"delta":{"role":"assistant","content":""}}]}').complete
    assert not _end(PROVIDER % ("Hi", "null"), PROVIDER % (" there", "null")).complete
    assert not _end(PROVIDER % ("Hi", '""')).complete  # an empty reason is no reason
    # Open WebUI's own events (sources, selected model) say nothing about the end.
    assert not _end('{"sources": []}', '{"selected_model_id": "alpha"}').complete


def test_open_webuis_own_pipe_chunks_end_without_marks_on_older_releases():
    # 0.6.15 ends an async-generator pipe's stream with neither mark: taken as complete.
    assert parse_chunk(TEMPLATE % "Hi").server_made
    assert _end(TEMPLATE % "Hi", TEMPLATE % " there").complete
    # Mixed with provider chunks (a relay), the usual rule holds.
    assert not _end(TEMPLATE % "Hi", PROVIDER % (" there", "null")).complete
    # The id must be the model's name and a uuid4, not merely start like one.
    assert not parse_chunk(
        '{"id":"alpha-1","model":"alpha","choices":[{"delta":{"content":"x"}}]}'
    ).server_made
