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
from ._async.task_runner import AsyncTaskStream
from ._sync.chat import Chat
from ._sync.chat_stream import ChatStream
from ._sync.client import OpenWebUI
from ._sync.completion_stream import CompletionStream
from ._sync.task_runner import TaskStream
from .access import Access
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
from .prompt_template import PromptVariableError
from .prompt_template import expand as expand_prompt
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
    Usage,
)
from .usage import normalize_usage

__all__ = [
    "APIStatusError",
    "Access",
    "AsyncChat",
    "AsyncChatStream",
    "AsyncCompletionStream",
    "AsyncOpenWebUI",
    "AsyncTaskStream",
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
    "PromptVariableError",
    "RateLimitError",
    "RequestTimeout",
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
