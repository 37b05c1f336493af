"""The embedded Open WebUI client: plain Python, no IPython, widgets or pandas.

    from owui_notebook.client import OpenWebUI

    with OpenWebUI() as client:   # %owui connect, else $OWUI_URL/$OWUI_API_KEY, else a sandbox
        chat = client.chat("llama3")
        with chat.stream("Hello") as s:
            for text in s:
                print(text, end="", flush=True)
        print(s.result.chat_id, s.result.usage)

`AsyncOpenWebUI` is the same API with ``await``/``async with``/``async for``.

Importing this package loads nothing but itself: each name loads its module when first
touched (PEP 562), so a script that uses the sync client never loads the async one, and a type
checker still sees every name (the ``TYPE_CHECKING`` imports below). A client's resource
groups, its chat engine and the typed models load when first used in turn
(``tests/unit/test_import_budget.py`` lists what ``from owui_notebook.client import OpenWebUI``
may load).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._async.chat import AsyncChat
    from ._async.chat_stream import AsyncChatStream
    from ._async.client import AsyncOpenWebUI
    from ._async.completion_stream import AsyncCompletionStream
    from ._async.research import AsyncResearchStream
    from ._async.task_runner import AsyncTaskStream
    from ._sync.chat import Chat
    from ._sync.chat_stream import ChatStream
    from ._sync.client import OpenWebUI
    from ._sync.completion_stream import CompletionStream
    from ._sync.research import ResearchStream
    from ._sync.task_runner import TaskStream
    from .access import Access
    from .chat_metadata import ChatMetadata
    from .errors import (
        APIStatusError,
        AuthenticationError,
        BadRequestError,
        ConfigurationError,
        ConnectError,
        InvalidHistoryError,
        ModelError,
        NotFoundError,
        OpenWebUIError,
        PermissionDeniedError,
        PromptBatchError,
        RateLimitError,
        RequestTimeout,
        ServerError,
        StreamInterrupted,
        TransportError,
        UnexpectedResponseError,
        UnsupportedFeatureError,
    )
    from .history import check_history, repair_history, thread, validate_history
    from .prompt_template import PromptVariableError
    from .prompt_template import expand as expand_prompt
    from .research_types import ResearchEvent, ResearchResult, ResearchStep
    from .task_types import (
        TaskDecision,
        TaskEvent,
        TaskIteration,
        TaskOption,
        TaskResult,
        TaskStep,
        TodoItem,
        ToolCall,
    )
    from .types import (
        ChatRecord,
        ChatResult,
        ChatSummary,
        ChatUsageStats,
        Feedback,
        FileRecord,
        Folder,
        Group,
        KnowledgeBase,
        Model,
        Note,
        Prompt,
        ServerInfo,
        SessionUser,
        Source,
        SourceDocument,
        StreamDelta,
        Tag,
        Timings,
        Tool,
        ToolServerConnection,
        Usage,
        User,
    )
    from .usage import normalize_usage

# public name -> (module, name in it)
_LAZY: dict[str, tuple[str, str]] = {
    "Access": (".access", "Access"),
    "APIStatusError": (".errors", "APIStatusError"),
    "AsyncChat": ("._async.chat", "AsyncChat"),
    "AsyncChatStream": ("._async.chat_stream", "AsyncChatStream"),
    "AsyncCompletionStream": ("._async.completion_stream", "AsyncCompletionStream"),
    "AsyncOpenWebUI": ("._async.client", "AsyncOpenWebUI"),
    "AsyncTaskStream": ("._async.task_runner", "AsyncTaskStream"),
    "AsyncResearchStream": ("._async.research", "AsyncResearchStream"),
    "ChatMetadata": (".chat_metadata", "ChatMetadata"),
    "ResearchEvent": (".research_types", "ResearchEvent"),
    "ResearchResult": (".research_types", "ResearchResult"),
    "ResearchStep": (".research_types", "ResearchStep"),
    "ResearchStream": ("._sync.research", "ResearchStream"),
    "AuthenticationError": (".errors", "AuthenticationError"),
    "BadRequestError": (".errors", "BadRequestError"),
    "Chat": ("._sync.chat", "Chat"),
    "ChatRecord": (".types", "ChatRecord"),
    "ChatResult": (".types", "ChatResult"),
    "ChatStream": ("._sync.chat_stream", "ChatStream"),
    "ChatSummary": (".types", "ChatSummary"),
    "ChatUsageStats": (".types", "ChatUsageStats"),
    "check_history": (".history", "check_history"),
    "CompletionStream": ("._sync.completion_stream", "CompletionStream"),
    "ConfigurationError": (".errors", "ConfigurationError"),
    "ConnectError": (".errors", "ConnectError"),
    "expand_prompt": (".prompt_template", "expand"),
    "Feedback": (".types", "Feedback"),
    "FileRecord": (".types", "FileRecord"),
    "Folder": (".types", "Folder"),
    "Group": (".types", "Group"),
    "InvalidHistoryError": (".errors", "InvalidHistoryError"),
    "PromptBatchError": (".errors", "PromptBatchError"),
    "KnowledgeBase": (".types", "KnowledgeBase"),
    "Model": (".types", "Model"),
    "ModelError": (".errors", "ModelError"),
    "normalize_usage": (".usage", "normalize_usage"),
    "Note": (".types", "Note"),
    "NotFoundError": (".errors", "NotFoundError"),
    "OpenWebUI": ("._sync.client", "OpenWebUI"),
    "OpenWebUIError": (".errors", "OpenWebUIError"),
    "PermissionDeniedError": (".errors", "PermissionDeniedError"),
    "Prompt": (".types", "Prompt"),
    "PromptVariableError": (".prompt_template", "PromptVariableError"),
    "RateLimitError": (".errors", "RateLimitError"),
    "repair_history": (".history", "repair_history"),
    "RequestTimeout": (".errors", "RequestTimeout"),
    "ServerError": (".errors", "ServerError"),
    "ServerInfo": (".types", "ServerInfo"),
    "SessionUser": (".types", "SessionUser"),
    "Source": (".types", "Source"),
    "SourceDocument": (".types", "SourceDocument"),
    "StreamDelta": (".types", "StreamDelta"),
    "StreamInterrupted": (".errors", "StreamInterrupted"),
    "Tag": (".types", "Tag"),
    "TaskDecision": (".task_types", "TaskDecision"),
    "TaskEvent": (".task_types", "TaskEvent"),
    "TaskIteration": (".task_types", "TaskIteration"),
    "TaskOption": (".task_types", "TaskOption"),
    "TaskResult": (".task_types", "TaskResult"),
    "TaskStep": (".task_types", "TaskStep"),
    "TaskStream": ("._sync.task_runner", "TaskStream"),
    "thread": (".history", "thread"),
    "Timings": (".types", "Timings"),
    "TodoItem": (".task_types", "TodoItem"),
    "Tool": (".types", "Tool"),
    "ToolServerConnection": (".types", "ToolServerConnection"),
    "ToolCall": (".task_types", "ToolCall"),
    "TransportError": (".errors", "TransportError"),
    "UnexpectedResponseError": (".errors", "UnexpectedResponseError"),
    "UnsupportedFeatureError": (".errors", "UnsupportedFeatureError"),
    "Usage": (".types", "Usage"),
    "User": (".types", "User"),
    "validate_history": (".history", "validate_history"),
}

__all__ = [
    "APIStatusError",
    "Access",
    "AsyncChat",
    "AsyncChatStream",
    "AsyncCompletionStream",
    "AsyncOpenWebUI",
    "AsyncResearchStream",
    "AsyncTaskStream",
    "AuthenticationError",
    "BadRequestError",
    "Chat",
    "ChatMetadata",
    "ChatRecord",
    "ChatResult",
    "ChatStream",
    "ChatSummary",
    "ChatUsageStats",
    "CompletionStream",
    "ConfigurationError",
    "ConnectError",
    "Feedback",
    "FileRecord",
    "Folder",
    "Group",
    "InvalidHistoryError",
    "KnowledgeBase",
    "Model",
    "ModelError",
    "NotFoundError",
    "Note",
    "OpenWebUI",
    "OpenWebUIError",
    "PermissionDeniedError",
    "Prompt",
    "PromptBatchError",
    "PromptVariableError",
    "RateLimitError",
    "RequestTimeout",
    "ResearchEvent",
    "ResearchResult",
    "ResearchStep",
    "ResearchStream",
    "ServerError",
    "ServerInfo",
    "SessionUser",
    "Source",
    "SourceDocument",
    "StreamDelta",
    "StreamInterrupted",
    "Tag",
    "TaskDecision",
    "TaskEvent",
    "TaskIteration",
    "TaskOption",
    "TaskResult",
    "TaskStep",
    "TaskStream",
    "Timings",
    "TodoItem",
    "Tool",
    "ToolCall",
    "ToolServerConnection",
    "TransportError",
    "UnexpectedResponseError",
    "UnsupportedFeatureError",
    "Usage",
    "User",
    "check_history",
    "expand_prompt",
    "normalize_usage",
    "repair_history",
    "thread",
    "validate_history",
]


def __getattr__(name: str) -> Any:
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(where[0], __name__), where[1])
    globals()[name] = value  # once loaded, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
