"""The embedded Open WebUI client: plain Python, no IPython, widgets or pandas.

    from owui_notebook.client import OpenWebUI

    with OpenWebUI() as client:                 # $OWUI_URL, $OWUI_API_KEY
        chat = client.chat("llama3")
        with chat.stream("Hello") as s:
            for text in s:
                print(text, end="", flush=True)
        print(s.result.chat_id, s.result.usage)

`AsyncOpenWebUI` is the same API with ``await``/``async with``/``async for``.
"""

from ._async.chat import AsyncChat
from ._async.chat_stream import AsyncChatStream
from ._async.client import AsyncOpenWebUI
from ._async.completion_stream import AsyncCompletionStream
from ._sync.chat import Chat
from ._sync.chat_stream import ChatStream
from ._sync.client import OpenWebUI
from ._sync.completion_stream import CompletionStream
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
    RateLimitError,
    RequestTimeout,
    ServerError,
    StreamInterrupted,
    TransportError,
    UnexpectedResponseError,
    UnsupportedFeatureError,
)
from .history import check_history, repair_history, thread, validate_history
from .types import (
    ChatRecord,
    ChatResult,
    ChatSummary,
    ChatUsageStats,
    Feedback,
    FileRecord,
    Folder,
    Model,
    ServerInfo,
    SessionUser,
    StreamDelta,
    Tag,
    Timings,
    Usage,
)
from .usage import normalize_usage

__all__ = [
    "APIStatusError",
    "AsyncChat",
    "AsyncChatStream",
    "AsyncCompletionStream",
    "AsyncOpenWebUI",
    "AuthenticationError",
    "BadRequestError",
    "Chat",
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
    "InvalidHistoryError",
    "Model",
    "ModelError",
    "NotFoundError",
    "OpenWebUI",
    "OpenWebUIError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestTimeout",
    "ServerError",
    "ServerInfo",
    "SessionUser",
    "StreamDelta",
    "StreamInterrupted",
    "Tag",
    "Timings",
    "TransportError",
    "UnexpectedResponseError",
    "UnsupportedFeatureError",
    "Usage",
    "check_history",
    "normalize_usage",
    "repair_history",
    "thread",
    "validate_history",
]
