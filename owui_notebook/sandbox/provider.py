"""A deterministic OpenAI-compatible model provider for tests, benchmarks and demos.

A real Open WebUI is pointed at it (``OPENAI_API_BASE_URL=http://127.0.0.1:<port>/v1``); only the
LLM is a stand-in. Every answer is a pure function of the model id and the conversation, so tests
can assert exactly what the server relayed and saved::

    with DeterministicProvider() as provider:
        provider.configure("alpha", ttft=0.5, tokens_per_second=100)
        ...  # start Open WebUI with OPENAI_API_BASE_URL=provider.url

The answer of model ``m`` is ``answer_text(m, messages)``::

    "<m> says: turn <n>. You said: <last user text>[ System: <first system text>]."

Open WebUI's background tasks (title, tags, follow-ups, retrieval queries) are recognised by their
prompt and get the JSON those tasks expect (see :func:`task_kind`). Its prompt-based tool selection
gets a deterministic choice (see :func:`tool_selection`): the tools named in the query, with the
``name=value`` arguments the query spells out. A user message with images (OpenAI ``image_url``
parts) is answered with ``[<n> image(s)]`` after the quoted text. When Open WebUI wrapped the
question in its RAG template (retrieved files, tool results), the answer quotes the question
itself, then ``From the context: <source text> [<id>]; ...`` (at most three sources).

``/v1/embeddings`` serves :func:`embedding`: hashed bag-of-words unit vectors, so that retrieval
in Open WebUI runs for real and a query ranks first the chunk that shares most of its words.

Standard library only, and no imports from ``owui_notebook``: the file also runs on its own,
under any Python 3.10+ (Open WebUI's venv, say): ``python provider.py --port 8099``. A provider in
another process is steered through ``/_control/...`` (see :class:`DeterministicProvider`).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import hashlib
import ipaddress
import itertools
import json
import math
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

try:
    from .demo_models import DEMO_KNOBS, demo_answer
except ImportError:  # run as a script: python provider.py (demo_models.py sits beside it)
    from demo_models import DEMO_KNOBS, demo_answer  # type: ignore[import-not-found,no-redef]

__all__ = [
    "DEFAULT_MODELS",
    "DEMO_MODELS",
    "DeterministicProvider",
    "ModelBehavior",
    "answer_text",
    "answer_tokens",
    "embedding",
    "main",
    "task_kind",
    "tool_selection",
]


@dataclass
class ModelBehavior:
    """How one deterministic model answers. All knobs apply to every request for the model.

    - ``ttft``: seconds before the first content chunk (a non-streamed reply waits as long as the
      whole stream would take).
    - ``tokens_per_second``: pace of the content chunks after the first; 0 = as fast as possible.
    - ``answer_tokens``: pad the answer with filler words (``lorem ipsum ...``) or cut it to
      exactly this many tokens. Task answers (JSON) are never padded.
    - ``fail_status``: answer every request with this HTTP status and an OpenAI-style error body
      ``{"error": {"message": fail_message, "type": ..., "code": ...}}``.
    - ``drop_after``: streaming only: send this many content tokens (or all, if fewer), then,
      when the next token would be due but at least ``DROP_GRACE`` (0.1 s) later, close the
      connection without the final chunk, ``[DONE]`` or the chunked-encoding terminator.
    - ``name``: display name listed by ``/v1/models`` (Open WebUI shows it); default: the id.
    - ``reply``: answer every (non-task) request with exactly this text, newlines and all,
      instead of the answer rule (for tests of code, JSON or hostile Markdown in answers).
    - ``script``: answers for a multi-turn exchange (an agent's steps, say), in order: each
      (non-task) request gets the first entry the conversation does not show as given yet
      (its assistant messages are matched against the entries in order, ignoring other
      models' answers); once all are given, the last repeats. Still a pure function of the
      conversation, so a retried or interrupted turn gets the same entry again. Before ``reply``.
    - ``style``: ``"echo"`` (the answer rule above, for tests) or ``"demo"`` (a Markdown answer
      that reads like one, see :mod:`~owui_notebook.sandbox.demo_models`; for the sandbox).
    - ``prompted``: answers chosen by the last user message: the answer of the first key (a
      substring, compared without case) that message contains. For agents whose context is cut
      or rebuilt between turns (a summarised history, a research plan), where ``script`` cannot
      count the answers given. Before ``script``; a message with no key falls through.
    """

    ttft: float = 0.0
    tokens_per_second: float = 0.0
    answer_tokens: int | None = None
    fail_status: int | None = None
    fail_message: str = "deterministic provider failure"
    drop_after: int | None = None
    name: str | None = None
    reply: str | None = None
    script: list[str] | None = None
    style: str = "echo"
    prompted: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.style not in STYLES:
            raise ValueError(f"style must be one of {STYLES}, not {self.style!r}")


#: Answer styles: the tests' echo rule, or the sandbox's demo answers.
STYLES = ("echo", "demo")


def _step(statuses: tuple[str, str, str], **step: Any) -> str:
    step["todo"] = [{"task": t, "status": s} for t, s in zip(_TODO, statuses, strict=True)]
    return "```json\n" + json.dumps(step, indent=1) + "\n```"


_TODO = ("Collect the facts", "Weigh the index types", "Answer")
_PLANNER_STEPS = (
    _step(
        ("doing", "open", "open"),
        thought="First I list what to check.",
        findings=["B-trees keep keys sorted, so they serve range scans"],
        next_action="weigh the index types",
    ),
    _step(
        ("done", "doing", "open"),
        thought="Two index types fit; which one depends on the queries.",
        findings=["Hash indexes answer equality lookups but cannot scan ranges"],
        options=[
            {"label": "B-tree", "description": "sorted, good for ranges"},
            {"label": "Hash", "description": "fast equality lookups only"},
        ],
    ),
    _step(
        ("done", "done", "done"),
        thought="The chosen option settles it.",
        findings=["Orders are mostly read by date range"],
        final_answer="Use a **B-tree** index on `created_at`: range scans by date dominate.",
    ),
)


def _plan(question: str, kind: str) -> str:
    return json.dumps({"next_question": question, "chosen_model_type": kind})


# A research director for `%%owui research` demos: one planned question per step (by the
# step named in the planning prompt), then a short report.
_RESEARCHER = {
    "research step 1 of": _plan("What problem does a B-tree index solve?", "general"),
    "research step 2 of": _plan("Which workloads favour hash indexes?", "search"),
    "research step 3 of": _plan("What do range queries cost with each index?", "general"),
    "write the final report": (
        "## Report\n\nB-tree indexes keep keys sorted and serve range scans; hash indexes "
        "answer equality lookups only. For date-range reads, choose a **B-tree**."
    ),
}

DEFAULT_MODELS: dict[str, ModelBehavior] = {
    "alpha": ModelBehavior(),
    "beta": ModelBehavior(),
    "gamma": ModelBehavior(),
    "delta": ModelBehavior(),
    "slow": ModelBehavior(ttft=0.3, tokens_per_second=50),
    "long": ModelBehavior(answer_tokens=2000),
    # For `%%owui task` demos: a planner that works through three steps, and a judge.
    "planner": ModelBehavior(script=list(_PLANNER_STEPS)),
    "judge": ModelBehavior(reply='{"choice": 1, "reason": "range queries are common here"}'),
    "researcher": ModelBehavior(prompted=dict(_RESEARCHER)),
}

#: What the sandbox serves to people (``owui-notebook sandbox``, ``demo``, ``lab``): the same ids,
#: paced like models and answering in Markdown. Tests use :data:`DEFAULT_MODELS`, fast and exact.
DEMO_MODELS: dict[str, ModelBehavior] = {
    model_id: dataclasses.replace(DEFAULT_MODELS[model_id], style="demo", **knobs)
    for model_id, knobs in DEMO_KNOBS.items()
}

# Fixed so that model lists compare equal across runs.
MODELS_CREATED = 1_700_000_000
OWNED_BY = "owui-notebook"

_TOKEN = re.compile(r"\S+\s*")
# Filler for answer_tokens, cycled.
_FILLER = ("lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit")

# Seconds between the last token sent and the cut of a drop_after stream (see the handler).
DROP_GRACE = 0.1

# Answers to Open WebUI's background tasks, in the JSON its default templates ask for.
DEFAULT_TITLE = "Deterministic Chat"
TITLE_WORDS = 5
TAGS = ["Testing", "Deterministic"]
FOLLOW_UPS = ["Tell me more.", "Give an example.", "Summarise that."]

# Embeddings: the model name Open WebUI is configured with (any name is served), and the size.
EMBEDDING_MODEL = "owui-notebook-embed"
EMBEDDING_DIMENSIONS = 1024
_WORD = re.compile(r"[a-z0-9]+")
# Words too common to say what a text is about; without them a short query ranks by its subject.
_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an and are as at be by for from has have how i in is it its of on or that the this to "
        "was were what when where which who why with you your",
    )
)

# Open WebUI renders {{MESSAGES...}} as one "ROLE: content" line per message (a message's own
# newlines continue on the following lines), wrapped in <chat_history>...</chat_history>.
_CHAT_HISTORY = re.compile(r"<chat_history>(.*?)(?:</chat_history>|\Z)", re.S)
_FIRST_USER_ENTRY = re.compile(r"^USER: (.*?)(?=^(?:USER|ASSISTANT|SYSTEM|TOOL): |\Z)", re.S | re.M)


# --- embeddings ----------------------------------------------------------------------------------


def embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A unit vector of `text`'s words, each word hashed (md5, stable across processes) to one
    dimension; stop words are left out. Texts sharing more words have a higher cosine similarity.
    A text without words gets a fixed vector of its own, never zeros (cosine needs a length).
    """
    counts = [0.0] * dimensions
    for word in _WORD.findall(text.lower()):
        if word not in _STOPWORDS:
            digest = hashlib.md5(word.encode()).digest()
            counts[int.from_bytes(digest[:4], "big") % dimensions] += 1.0
    norm = math.sqrt(sum(c * c for c in counts))
    if not norm:
        counts[0], norm = 1.0, 1.0
    return [c / norm for c in counts]


# --- the answer rule -----------------------------------------------------------------------------


def _text(content: Any) -> str:
    """A message's text: a string as is; a list of parts: its text parts joined by spaces."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = (p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text")
        return " ".join(p for p in parts if isinstance(p, str))
    return ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def task_kind(messages: list[dict]) -> str | None:
    """``"title"``, ``"tags"``, ``"follow_ups"`` or ``"queries"`` (retrieval queries) if the last
    user message is that Open WebUI task.

    Open WebUI sends each task as a single user message rendered from a template that starts with
    ``### Task:`` and names the JSON key to answer with (``JSON format: { "title": ... }``) before
    the ``<chat_history>``. Only the part before the history is inspected, so a chat that merely
    quotes these words is not mistaken for a task. Useful to skip task calls in ``requests``.
    """
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    if not users:
        return None
    instructions = _text(users[-1].get("content")).split("<chat_history>", 1)[0]
    if "### Task:" not in instructions:
        return None
    for kind in ("queries", "follow_ups", "tags", "title"):
        if f'"{kind}"' in instructions:
            return kind
    return None


def _title(prompt: str) -> str:
    """The first ``TITLE_WORDS`` words of the first ``USER:`` entry in the prompt's chat history.

    Open WebUI's default title template holds only the last two messages ({{MESSAGES:END:2}}), so
    on a chat's first exchange this is the first user message. ``DEFAULT_TITLE`` if none is found.
    """
    history = _CHAT_HISTORY.search(prompt)
    entry = _FIRST_USER_ENTRY.search(history.group(1).strip("\n") if history else "")
    words = entry.group(1).split()[:TITLE_WORDS] if entry else []
    return " ".join(words) or DEFAULT_TITLE


def _last_user_entry(prompt: str) -> str:
    history = _CHAT_HISTORY.search(prompt)
    entries = _FIRST_USER_ENTRY.findall(history.group(1).strip("\n") if history else "")
    return _one_line(entries[-1]) if entries else ""


def _task_answer(kind: str, prompt: str) -> str:
    if kind == "queries":  # retrieval: search with the user's last question, as asked
        last = _last_user_entry(prompt)
        return json.dumps({"queries": [last] if last else []})
    if kind == "title":
        return json.dumps({"title": _title(prompt)})
    if kind == "tags":
        return json.dumps({"tags": TAGS})
    return json.dumps({"follow_ups": FOLLOW_UPS})


def _image_count(content: Any) -> int:
    """How many ``image_url`` parts a message's content holds (OpenAI vision format)."""
    if not isinstance(content, list):
        return 0
    return sum(1 for p in content if isinstance(p, dict) and p.get("type") == "image_url")


# Open WebUI's prompt-based tool selection ("Default"/"legacy" function calling): a system message
# from its tools template listing the tools' specs as JSON, and a user message ending in the query.
_TOOLS_SPECS = re.compile(r"^Available Tools: (\[.*?\])\s*\n\s*\nYour task is to choose", re.S)
_TOOL_ARGUMENT = re.compile(r"""(\w+)\s*=\s*("[^"]*"|'[^']*'|[^\s,;]+)""")


def tool_selection(messages: list[dict]) -> str | None:
    """The JSON answer to Open WebUI's tool-selection task, or None if this is not that task.

    Deterministic: every tool whose function name appears as a word in the query is called,
    with the arguments the query spells out as ``name=value`` (values parsed as JSON where
    they can be: ``a=2`` is the number 2), keeping only the function's own parameters. A query
    naming no tool gets ``{"tool_calls": []}``, as the template asks.
    """
    system = next((m for m in messages if isinstance(m, dict) and m.get("role") == "system"), None)
    match = _TOOLS_SPECS.match(_text(system.get("content")) if system else "")
    if not match:
        return None
    try:
        specs = json.loads(match.group(1))
    except ValueError:
        return None
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    query = _text(users[-1].get("content")).rsplit("Query: ", 1)[-1] if users else ""
    arguments = {key: _argument(value) for key, value in _TOOL_ARGUMENT.findall(query)}
    calls = []
    for spec in specs if isinstance(specs, list) else []:
        name = spec.get("name") if isinstance(spec, dict) else None
        if isinstance(name, str) and re.search(rf"\b{re.escape(name)}\b", query):
            allowed = (spec.get("parameters") or {}).get("properties") or {}
            params = {k: v for k, v in arguments.items() if k in allowed}
            calls.append({"name": name, "parameters": params})
    return json.dumps({"tool_calls": calls})


def _argument(raw: str) -> Any:
    if raw[:1] in "'\"" and raw[-1:] == raw[:1] and len(raw) > 1:
        return raw[1:-1]
    try:
        return json.loads(raw)
    except ValueError:
        return raw


# Open WebUI's RAG template (retrieved files, tool results): "### Task: ... <context> <source
# id="1" name="...">text</source> ... </context>", then the query, either inside
# <user_query> tags (0.6) or as the user's own text after the template (0.12).
_RAG_TEMPLATE = re.compile(
    r"### Task:(?:(?!### Task:).)*?</context>\s*(?:<user_query>\s*(.*?)\s*</user_query>)?", re.S
)
_RAG_CONTEXT = re.compile(r"<context>(.*?)</context>", re.S)
_RAG_SOURCE = re.compile(r"<source id=\"([^\"]+)\"[^>]*>(.*?)</source>", re.S)
CONTEXT_CITED = 3  # sources quoted in an answer, at most


def _without_context(text: str, *, keep_query: bool) -> tuple[str, list[tuple[str, str]]]:
    """`text` with a RAG template taken out (its query kept if `keep_query`), and the
    sources in the template's context as ``(id, text)`` pairs."""
    sources: list[tuple[str, str]] = []

    def take(match: re.Match[str]) -> str:
        for context in _RAG_CONTEXT.findall(match.group(0)):
            sources.extend(_RAG_SOURCE.findall(context))
        return f" {match.group(1)} " if keep_query and match.group(1) else " "

    return _RAG_TEMPLATE.sub(take, text), sources


def _plain_answer(model_id: str, messages: list[dict], style: str = "echo") -> str:
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    last, cited = _without_context(
        _text(users[-1].get("content")) if users else "", keep_query=True
    )
    last = _one_line(last)
    system = next((m for m in messages if isinstance(m, dict) and m.get("role") == "system"), None)
    sys_text, sys_cited = _without_context(
        _text(system.get("content")) if system else "", keep_query=False
    )
    sys_text = _one_line(sys_text)
    images = _image_count(users[-1].get("content")) if users else 0
    if style == "demo":
        return demo_answer(
            model_id,
            last,
            turn=len(users),
            system=sys_text,
            sources=(cited + sys_cited)[:CONTEXT_CITED],
            images=images,
        )
    answer = f"{model_id} says: turn {len(users)}. You said: {last}"
    answer += f" [{images} image{'s' if images != 1 else ''}]" if images else ""
    answer += f" System: {sys_text}" if sys_text else ""
    sources = cited + sys_cited
    if sources:
        # Quote the context with the citation marks the RAG template asks for.
        answer = answer if answer.endswith((".", "!", "?")) else answer + "."
        quoted = [f"{_one_line(body)[:100]} [{sid}]" for sid, body in sources[:CONTEXT_CITED]]
        answer += " From the context: " + "; ".join(quoted)
    # A full stop, unless the quoted text already ends a sentence.
    return answer if answer.endswith((".", "!", "?")) else answer + "."


def scripted_answer(script: list[str], messages: list[dict]) -> str:
    """The first entry of `script` that the conversation's assistant messages do not yet show.

    The assistant messages are walked in order; each that equals the next entry (whitespace at
    the ends aside) advances the script. Once every entry is given, the last one repeats.
    """
    given = 0
    for message in messages:
        if not isinstance(message, dict) or message.get("role") != "assistant":
            continue
        if given < len(script) and _text(message.get("content")).strip() == script[given].strip():
            given += 1
    return script[min(given, len(script) - 1)]


def prompted_answer(prompted: Mapping[str, str], messages: list[dict]) -> str | None:
    """The answer of the first key of `prompted` found in the last user message (no case)."""
    users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    last = _text(users[-1].get("content")).casefold() if users else ""
    for key, answer in prompted.items():
        if key.casefold() in last:
            return answer
    return None


def answer_tokens(
    model_id: str, messages: list[dict], behavior: ModelBehavior | None = None
) -> list[str]:
    """The answer as the chunks a stream sends: ``re.findall(r"\\S+\\s*", answer)``.

    With ``behavior.answer_tokens`` set, filler words are appended (cycling a fixed list) or the
    answer is cut, to exactly that many tokens; the last token never ends in whitespace.
    Open WebUI task prompts get their JSON answer, never padded.
    """
    selection = tool_selection(messages)
    if selection is not None:
        return _TOKEN.findall(selection)
    kind = task_kind(messages)
    if kind is not None:
        users = [m for m in messages if isinstance(m, dict) and m.get("role") == "user"]
        return _TOKEN.findall(_task_answer(kind, _text(users[-1].get("content"))))
    if behavior is not None and behavior.prompted:
        answer = prompted_answer(behavior.prompted, messages)
        if answer is not None:
            return _TOKEN.findall(answer)
    if behavior is not None and behavior.script:
        return _TOKEN.findall(scripted_answer(behavior.script, messages))
    if behavior is not None and behavior.reply is not None:
        return _TOKEN.findall(behavior.reply)
    style = behavior.style if behavior is not None else "echo"
    tokens = _TOKEN.findall(_plain_answer(model_id, messages, style))
    count = behavior.answer_tokens if behavior is not None else None
    if count is None:
        return tokens
    count = max(0, count)
    filler = itertools.cycle(_FILLER)
    tokens = tokens[:count] + [next(filler) for _ in range(count - len(tokens))]
    # Words are separated by one space and the answer has no trailing whitespace, so that
    # findall() on the joined text gives these same tokens back.
    return [t.rstrip() + " " for t in tokens[:-1]] + [t.rstrip() for t in tokens[-1:]]


def answer_text(model_id: str, messages: list[dict], behavior: ModelBehavior | None = None) -> str:
    """The answer model ``model_id`` gives to ``messages`` (OpenAI chat messages), on one line.

    ``f"{model_id} says: turn {n}. You said: {last}"`` + ``f" [{k} image(s)]"`` (if the last user
    message has ``k`` image parts) + ``f" System: {sys}"`` (if any) + ``"."``, where ``n`` counts
    the user messages, ``last`` is the last user message's text and ``sys`` the first system
    message's text (list contents: text parts joined; whitespace runs become one space). Text
    that Open WebUI wrapped in its RAG template counts without it, and the template's sources are
    quoted after: ``" From the context: <text> [<id>]; ..."``. Open WebUI task prompts get JSON
    instead (see :func:`task_kind`, :func:`tool_selection`). ``behavior`` matters only through
    ``answer_tokens``.
    """
    return "".join(answer_tokens(model_id, messages, behavior))


def _prompt_tokens(messages: list[dict]) -> int:
    return sum(len(_text(m.get("content")).split()) for m in messages if isinstance(m, dict))


def _usage(prompt_tokens: int, completion_tokens: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
    }


def _error_body(status: int, message: str, code: str | None = None) -> dict[str, Any]:
    kind = "server_error" if status >= 500 else "invalid_request_error"
    return {"error": {"message": message, "type": kind, "code": code or f"http_{status}"}}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# --- HTTP ----------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: DeterministicProvider

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that goes away mid-answer (Stop button, timeout) is normal, not worth a trace.
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive; streams use chunked transfer encoding
    server_version = "owui-notebook-provider"
    disable_nagle_algorithm = True  # one small write per token must leave at once
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        # As real model servers do: without it, a token written right after the headers on a
        # reused connection waits for the client's delayed ACK (~40 ms, Nagle's algorithm).
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.provider._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.provider._track(self.connection, add=False)

    # -- plumbing

    def _send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _send_error(self, status: int, message: str, code: str | None = None) -> None:
        self._send_json(status, _error_body(status, message, code))

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 400 (the connection is then closed)."""
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            data = bytearray()
            while True:
                line = self.rfile.readline(1024)
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    break
                if size == 0:
                    while self.rfile.readline(1024).strip():
                        pass  # trailers
                    return bytes(data)
                data += self.rfile.read(size)
                self.rfile.readline(1024)
        else:
            try:
                length = int(self.headers.get("Content-Length", "0"))
            except ValueError:
                length = -1
            if length >= 0:
                return self.rfile.read(length)
        self.close_connection = True
        self._send_error(400, "malformed request body", "invalid_body")
        return None

    def _read_json(self) -> Any:
        """The parsed JSON body, or ``...`` after answering 400."""
        raw = self._read_body()
        if raw is None:
            return ...
        try:
            return json.loads(raw or b"null")
        except ValueError:
            self._send_error(400, "request body is not valid JSON", "invalid_json")
            return ...

    def _write_chunk(self, data: bytes) -> None:
        # One write per chunk (size line, data, CRLF): the token leaves in one segment.
        self.wfile.write(b"%X\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    # -- routes

    def do_GET(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        provider = self.server.provider
        if path == "/v1/models":
            self._send_json(200, provider._models_list())
        elif path == "/_control/requests":
            self._send_json(200, list(provider.requests))
        elif path == "/_control/embedding_requests":
            self._send_json(200, list(provider.embedding_requests))
        elif path == "/_control/models":
            self._send_json(200, {k: dataclasses.asdict(v) for k, v in provider.models.items()})
        else:
            self._send_error(404, f"no route GET {path}", "not_found")

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        body = self._read_json()
        if body is ...:
            return
        provider = self.server.provider
        if path == "/v1/chat/completions":
            self._chat_completions(body)
        elif path == "/v1/embeddings":
            self._embeddings(body)
        elif path.startswith("/_control/models/"):
            model_id = unquote(path[len("/_control/models/") :])
            if not isinstance(body, dict):
                self._send_error(400, "knobs must be a JSON object", "invalid_knobs")
                return
            try:
                provider.configure(model_id, **body)
            except (TypeError, ValueError) as exc:
                self._send_error(400, str(exc), "invalid_knobs")
                return
            self._send_json(200, {"id": model_id, **dataclasses.asdict(provider.models[model_id])})
        elif path == "/_control/reset":
            provider.reset()
            self._send_json(200, {"status": True})
        else:
            self._send_error(404, f"no route POST {path}", "not_found")

    def _embeddings(self, body: Any) -> None:
        """OpenAI's ``/v1/embeddings``: one :func:`embedding` per input, for any model name."""
        texts = body.get("input") if isinstance(body, dict) else None
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            self._send_error(400, "'input' must be a string or a list of strings", "invalid_input")
            return
        self.server.provider._record_embedding(body)
        data = [
            {"object": "embedding", "index": i, "embedding": embedding(t)}
            for i, t in enumerate(texts)
        ]
        tokens = sum(len(t.split()) for t in texts)
        self._send_json(
            200,
            {
                "object": "list",
                "data": data,
                "model": body.get("model") or EMBEDDING_MODEL,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            },
        )

    def _chat_completions(self, body: Any) -> None:
        start = time.monotonic()
        provider = self.server.provider
        if not isinstance(body, dict):
            self._send_error(400, "request body must be a JSON object", "invalid_body")
            return
        provider._record(body)
        model_id, messages = body.get("model"), body.get("messages")
        if not isinstance(model_id, str) or not isinstance(messages, list):
            self._send_error(400, "'model' (string) and 'messages' (list) are required")
            return
        behavior = provider.models.get(model_id)
        if behavior is None:
            self._send_error(404, f"The model '{model_id}' does not exist", "model_not_found")
            return
        if behavior.fail_status is not None:
            self._send_error(behavior.fail_status, behavior.fail_message, "deterministic_failure")
            return
        tokens = answer_tokens(model_id, messages, behavior)
        usage = _usage(_prompt_tokens(messages), len(tokens))
        completion_id = f"chatcmpl-{next(provider._ids):08d}"
        created = int(time.time())
        rate = behavior.tokens_per_second

        def due(i: int) -> float:
            # Token i's send time, from the request's arrival: a fixed schedule on a monotonic
            # clock, so that slow writes or sleep overshoot do not add up over a long answer.
            return start + behavior.ttft + (i / rate if rate > 0 else 0.0)

        if not body.get("stream"):
            _sleep_until(due(max(len(tokens) - 1, 0)))
            message = {"role": "assistant", "content": "".join(tokens)}
            self._send_json(
                200,
                {
                    "id": completion_id,
                    "object": "chat.completion",
                    "created": created,
                    "model": model_id,
                    "choices": [
                        {"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}
                    ],
                    "usage": usage,
                },
            )
            return

        def event(delta: dict, finish: str | None = None, **extra: Any) -> bytes:
            chunk = {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model_id,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        # Each token's event is prefix + JSON string + suffix: cheaper than a json.dumps of the
        # whole chunk per token, which matters at thousands of tokens a second.
        marker = "\x00token\x00"
        prefix, suffix = event({"content": marker}).split(json.dumps(marker).encode())
        sent = len(tokens) if behavior.drop_after is None else max(0, behavior.drop_after)

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            # Headers and the role chunk go out at once; ttft delays the first content chunk.
            self._write_chunk(event({"role": "assistant", "content": ""}))
            for i, token in enumerate(tokens[:sent]):
                _sleep_until(due(i))
                self._write_chunk(prefix + json.dumps(token).encode() + suffix)
            if behavior.drop_after is not None:
                # The upstream "crashes" when the next token would be due, and never sooner
                # than DROP_GRACE: a relay reading with aiohttp (Open WebUI) raises the error as
                # soon as it sees the end of the connection, dropping tokens it had received
                # but not yet read, so an immediate cut would relay a random number of them.
                _sleep_until(max(due(sent), time.monotonic() + DROP_GRACE))
                # Cut the stream: FIN without the last chunk, [DONE] or the chunked terminator.
                # Not RST: a reset can discard tokens the client has not read yet.
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self._write_chunk(event({}, "stop", usage=usage))
            self._write_chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except OSError:
            self.close_connection = True  # the client went away


def _sleep_until(deadline: float) -> None:
    delay = deadline - time.monotonic()
    if delay > 0:
        time.sleep(delay)


# --- the provider --------------------------------------------------------------------------------


class DeterministicProvider:
    """An OpenAI-compatible server on loopback whose models answer deterministically.

    Endpoints: ``GET /v1/models``, ``POST /v1/chat/completions`` (streamed or not),
    ``POST /v1/embeddings``. For a provider in another process: ``POST /_control/models/{id}``
    (JSON knobs, as :meth:`configure`), ``POST /_control/reset``, ``GET /_control/requests``,
    ``GET /_control/embedding_requests``, ``GET /_control/models``.

    ``models`` maps ids to behaviours (default :data:`DEFAULT_MODELS`); an iterable of ids gives
    each the default behaviour. ``requests`` holds every JSON object received on
    ``/v1/chat/completions``, in order, including Open WebUI's background-task calls
    (:func:`task_kind` tells them apart); ``embedding_requests`` every ``/v1/embeddings`` body.
    """

    def __init__(
        self,
        models: Mapping[str, ModelBehavior] | Iterable[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(f"the provider listens on loopback only, not {host!r}")
        if models is None:
            models = DEFAULT_MODELS
        if isinstance(models, Mapping):
            initial = {str(k): dataclasses.replace(v) for k, v in models.items()}
        else:
            initial = {str(k): ModelBehavior() for k in models}
        self.host = host
        self.port = port
        self.requests: list[dict] = []
        self.embedding_requests: list[dict] = []
        self._initial = initial
        self._models = dict(initial)
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._connections: set[socket.socket] = set()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = self.url if self._server is not None else "not started"
        return f"DeterministicProvider({state}, models={list(self.models)})"

    @property
    def url(self) -> str:
        """The OpenAI base URL, ``http://127.0.0.1:<port>/v1``, for ``OPENAI_API_BASE_URL``."""
        if self._server is None:
            raise RuntimeError("the provider is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    @property
    def models(self) -> dict[str, ModelBehavior]:
        """A snapshot of the current behaviours, by model id."""
        with self._lock:
            return dict(self._models)

    def start(self) -> DeterministicProvider:
        """Bind (``port=0``: a free port) and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        server_class = _Server6 if ":" in self.host else _Server
        server = server_class((self.host, self.port), _Handler)
        server.provider = self
        self._server, self.port = server, server.server_address[1]
        # A short poll interval so that stop() returns quickly.
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"deterministic-provider-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every open connection (kept-alive ones too); idempotent."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        # Handler threads of kept-alive connections would otherwise go on answering.
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> DeterministicProvider:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def configure(self, model_id: str, **knobs: Any) -> None:
        """Create model ``model_id`` or change its knobs (:class:`ModelBehavior` fields).

        Unknown knobs raise TypeError. Takes effect for requests that arrive afterwards.
        """
        fields = {f.name for f in dataclasses.fields(ModelBehavior)}
        unknown = sorted(set(knobs) - fields)
        if unknown:
            raise TypeError(f"unknown model knob(s) {unknown}; known: {sorted(fields)}")
        with self._lock:
            current = self._models.get(model_id, ModelBehavior())
            # Replaced, not mutated: a request in flight keeps the behaviour it started with.
            self._models[model_id] = dataclasses.replace(current, **knobs)

    def clear_requests(self) -> None:
        """Forget the recorded requests (and embedding requests); the knobs stay."""
        with self._lock:
            self.requests.clear()
            self.embedding_requests.clear()

    def answer_requests(self, model: str | None = None) -> list[dict]:
        """The recorded requests that asked a model for an answer (only `model`'s if given):
        Open WebUI's background tasks (:func:`task_kind`) and tool selections left out."""
        return [
            r
            for r in self._recorded()
            if (model is None or r.get("model") == model)
            and task_kind(r["messages"]) is None
            and tool_selection(r["messages"]) is None
        ]

    def task_requests(self, kind: str) -> list[dict]:
        """The recorded requests for Open WebUI's background task `kind` (``"title"``,
        ``"tags"``, ``"follow_ups"``, ``"queries"``: see :func:`task_kind`)."""
        return [r for r in self._recorded() if task_kind(r["messages"]) == kind]

    def reset(self) -> None:
        """Restore the models given at construction and forget the recorded requests."""
        with self._lock:
            self._models = dict(self._initial)
        self.clear_requests()

    def _recorded(self) -> list[dict]:
        # A copy: the server thread appends while a test reads.
        with self._lock:
            return [r for r in self.requests if isinstance(r.get("messages"), list)]

    # -- used by the handler

    def _record(self, body: dict) -> None:
        with self._lock:
            self.requests.append(body)

    def _record_embedding(self, body: dict) -> None:
        with self._lock:
            self.embedding_requests.append(body)

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    def _models_list(self) -> dict[str, Any]:
        data = []
        for model_id, behavior in self.models.items():
            entry = {"id": model_id, "object": "model", "created": MODELS_CREATED}
            entry["owned_by"] = OWNED_BY
            if behavior.name:
                entry["name"] = behavior.name
            data.append(entry)
        return {"object": "list", "data": data}


def main(argv: list[str] | None = None) -> None:
    """``python provider.py --port 8099``: serve the default models until Ctrl-C."""
    parser = argparse.ArgumentParser(
        description="A deterministic OpenAI-compatible model provider."
    )
    parser.add_argument("--port", type=int, default=8099, help="port (0: a free one)")
    parser.add_argument("--host", default="127.0.0.1", help="loopback address to listen on")
    parser.add_argument(
        "--demo", action="store_true", help="serve the paced Markdown demo models, not the echo"
    )
    args = parser.parse_args(argv)
    if not _is_loopback(args.host):
        parser.error(f"--host must be a loopback address (127.0.0.1, ::1), not {args.host!r}")
    models = DEMO_MODELS if args.demo else DEFAULT_MODELS
    provider = DeterministicProvider(models, host=args.host, port=args.port)
    # SIGTERM (a parent process stopping us) ends as cleanly as Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        provider.start()
        # One line a parent process can wait for (and read the port from, with --port 0).
        print(f"deterministic provider serving on {provider.url}", flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()


if __name__ == "__main__":
    main()
