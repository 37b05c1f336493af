"""Hostile input, fuzzed with hypothesis: option lines, prompt templates, stream bytes, trees.

Each property is "a clear error or a result, never another exception and never a hang".
The server replies fuzzed here (arbitrary stream bytes, JSON of any shape) are ones a real
server cannot be made to send on demand, so they come through ``httpx.MockTransport``;
tests/reliability/test_hostile_replies.py sends curated ones through the fault proxy.
"""

from __future__ import annotations

import json
import string

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from IPython.core.error import UsageError

from owui_notebook.client import OpenWebUI, OpenWebUIError, repair_history, validate_history
from owui_notebook.client.history import thread
from owui_notebook.client.sse import SSEDecoder, parse_chunk
from owui_notebook.magics.options import SUBCOMMANDS, parse
from owui_notebook.magics.prompt import fill

KEY = "sk-fuzz-secret-0123456789abcdef"

# -- the magic's option line --------------------------------------------------------------

OPTION_WORDS = st.sampled_from(
    [
        "-m",
        "--model",
        "--models",
        "--new",
        "--chat",
        "--system",
        "--temperature",
        "--max-tokens",
        "--folder",
        "--tag",
        "--format",
        "-o",
        "--output",
        "--no-stream",
        "--file",
        "--sequential",
        "--search",
        "--limit",
        "--refresh",
        "--long",
        "--key-env",
        "-h",
        "--help",
        "--",
        "-",
        "alpha,beta",
        "3",
        "-1",
        "nan",
        "inf",
        "1e309",
        "json",
        '"quoted value"',
        "'single'",
        '"unclosed',
        "C:\\path\\x",
        "{x}",
        "",
    ]
)
OPTION_LINES = st.one_of(
    st.lists(OPTION_WORDS | st.text(max_size=12), max_size=8).map(" ".join),
    st.text(max_size=80),
)


@given(sub=st.sampled_from(sorted(SUBCOMMANDS)), line=OPTION_LINES)
def test_option_parser_gives_options_or_one_usage_error(sub, line):
    try:
        parse(sub, line)
    except UsageError as exc:
        assert "\n" not in str(exc).strip() or sub == "help"


# -- {name} in a cell ------------------------------------------------------------------------

NAMESPACE = {"x": 1.5, "name": "Ada", "items": [1, 2, 3], "table": {"k": "v"}, "obj": object()}
TEMPLATE_PIECES = st.sampled_from(
    [
        "{",
        "}",
        "{{",
        "}}",
        "{x}",
        "{name}",
        "{missing}",
        "{}",
        "{0}",
        "{items[0]}",
        "{items[9]}",
        "{table[k]}",
        "{obj.nothing}",
        "{x:.2f}",
        "{x:>10}",
        "{name!r}",
        "{name!z}",
        "{x:{x}}",
        "{x:999999999}",
        "{name:>2000000000}",
        "{x:,.9999999999f}",
        "text ",
        "\n",
    ]
)
TEMPLATES = st.one_of(
    st.lists(TEMPLATE_PIECES | st.text(max_size=6), max_size=10).map("".join),
    st.text(alphabet=string.printable, max_size=60),
)


@given(template=TEMPLATES)
def test_prompt_interpolation_fills_or_says_what_to_fix(template):
    try:
        text = fill(template, NAMESPACE)
    except UsageError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert len(text) <= 1_000_000


def test_a_huge_format_width_is_refused_before_it_is_built():
    # Formatting this would first build a 2 GB string (minutes, or MemoryError in the kernel).
    with pytest.raises(UsageError, match="width"):
        fill("{name:>2000000000}", NAMESPACE)


# Each example of these goes through a whole client and transport: a third as many.
_THROUGH_A_CLIENT = settings(max_examples=max(settings.default.max_examples // 3, 50))

# -- stream parsing ------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
CHUNK_KEYS = st.sampled_from(["choices", "delta", "content", "usage", "error", "detail", "message"])
CHUNK_LIKE = st.recursive(
    JSON_VALUES,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(CHUNK_KEYS, inner, max_size=4),
    max_leaves=16,
)


@given(lines=st.lists(st.text(max_size=40), max_size=30))
def test_sse_decoder_takes_any_lines(lines):
    decoder = SSEDecoder()
    for line in lines:
        event = decoder.feed(line)
        if event is not None:
            parse_chunk(event.data)
    decoder.flush()


@given(value=CHUNK_LIKE)
def test_any_json_chunk_parses_to_text_usage_error_or_extra(value):
    info = parse_chunk(json.dumps(value))
    assert isinstance(info.text, str)
    assert info.usage is None or isinstance(info.usage, dict)
    assert info.error is None or isinstance(info.error, str)


def _sse(chunks: list) -> bytes:
    out = []
    for chunk in chunks:
        data = chunk if isinstance(chunk, str) else json.dumps(chunk)
        out.append(f"data: {data}\n\n")
    return "".join(out).encode()


def _client(handler) -> OpenWebUI:
    return OpenWebUI(
        "https://owui.test", KEY, transport=httpx.MockTransport(handler), max_retries=0
    )


STREAM_BODIES = st.one_of(
    st.binary(max_size=400),
    st.lists(
        CHUNK_LIKE | st.sampled_from(["[DONE]", "{trunc", '{"choices": [{"delta":']), max_size=8
    ).map(_sse),
    st.lists(
        st.sampled_from(["event: ping", "id: 7", ": keep-alive", "retry: 10", "data: {", ""]),
        max_size=10,
    ).map(lambda lines: "\n".join(lines).encode()),
)


@_THROUGH_A_CLIENT
@given(
    body=STREAM_BODIES,
    content_type=st.sampled_from(["text/event-stream", "application/json", "text/html", ""]),
)
def test_completion_stream_takes_any_reply(body, content_type):
    headers = {"content-type": content_type} if content_type else {}
    with _client(lambda request: httpx.Response(200, content=body, headers=headers)) as client:
        stream = client.completions.stream("alpha", [{"role": "user", "content": "hi"}])
        try:
            with stream:
                texts = list(stream)
        except OpenWebUIError as exc:
            assert KEY not in str(exc)
        else:
            assert "".join(texts) == stream.content


@_THROUGH_A_CLIENT
@given(records=st.lists(CHUNK_LIKE, max_size=5), cut=st.integers(min_value=0, max_value=200))
def test_ndjson_records_are_read_or_refused(records, cut):
    body = "\n".join(json.dumps(r) for r in records).encode()[: cut or None]

    def handler(request):
        return httpx.Response(200, content=body, headers={"content-type": "application/x-ndjson"})

    with _client(handler) as client:
        try:
            got = list(client._http.records("GET", "/api/v1/chats/stats/export"))
        except OpenWebUIError as exc:
            assert "malformed NDJSON" in str(exc)
        else:
            assert len(got) <= len(records)


@_THROUGH_A_CLIENT
@given(value=JSON_VALUES | CHUNK_LIKE)
def test_a_chat_of_any_shape_is_read_or_refused(value):
    def handler(request):
        return httpx.Response(200, json=value)

    with _client(handler) as client:
        try:
            record = client.chats.get("some-id")
        except OpenWebUIError as exc:
            assert str(exc) and "\n" not in str(exc)
        else:
            validate_history(record)


# -- the tree repair -----------------------------------------------------------------------

IDS = st.sampled_from(["a", "b", "c", "d", "e"])
ODD = st.one_of(
    st.none(), IDS, st.integers(), st.lists(IDS, max_size=2), st.dictionaries(IDS, IDS, max_size=1)
)
MESSAGE = st.fixed_dictionaries(
    {},
    optional={
        "id": ODD,
        "parentId": ODD,
        "childrenIds": st.one_of(st.lists(ODD, max_size=4), ODD),
        "role": st.sampled_from(["user", "assistant", "system", "tool", None]),
        "content": st.text(max_size=5),
        "done": st.booleans(),
        "model": st.just("alpha"),
    },
)
HISTORY = st.fixed_dictionaries(
    {"messages": st.dictionaries(IDS, MESSAGE | ODD, max_size=5)},
    optional={"currentId": ODD},
)
STRUCTURE = ("parentId", "childrenIds", "child", "cycle", "currentId", "root", " id ")


@given(history=HISTORY)
def test_any_tree_is_validated_and_repaired(history):
    validate_history({"history": history})  # never raises, whatever the shape
    repaired = repair_history(history)
    problems = validate_history({"history": repaired})
    structural = [p for p in problems if any(word in p for word in STRUCTURE)]
    assert structural == [], structural
    kept = {k: v for k, v in history["messages"].items() if isinstance(v, dict)}
    assert set(repaired["messages"]) == set(kept)  # nothing dropped
    for key, message in kept.items():
        assert repaired["messages"][key].get("content") == message.get("content")
    thread({"history": repaired})
