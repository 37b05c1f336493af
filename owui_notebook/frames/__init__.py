"""pandas DataFrames of an Open WebUI server: models, chats, usage stats, exports, analytics.

    from owui_notebook.client import OpenWebUI
    from owui_notebook.frames import messages_frame, usage_over_time

    with OpenWebUI() as client:
        msgs = messages_frame(client)           # one row per message, true token counts
        usage_over_time(msgs, freq="week", plot=True)

Every ``*_frame(client, ...)`` loads with a sync `OpenWebUI` and returns a frame whose
columns are listed in its docstring: UTC datetimes, categorical model ids, nullable
integers, and an empty frame with the same columns when there is nothing to show.
``frame.attrs["source"]`` says where the numbers came from (``server:<path>`` or, where the
server lacks the endpoint, ``client:<path>``: computed here by the server's rules);
``attrs["note"]`` says why a fallback was taken. Each ``shape_*`` function builds the same
frame from records you fetched yourself (with `AsyncOpenWebUI`, say); `export_record` and
`usage_record` turn full chats into the records the stats endpoints send.

Importing this package imports pandas; ``import owui_notebook`` alone does not.
"""

from __future__ import annotations

from ..dataset import sync_dataset
from ._digest import export_record, usage_record
from .admin import (
    CUSTOM_MODEL_COLUMNS,
    GROUP_COLUMNS,
    NOTE_COLUMNS,
    PROMPT_COLUMNS,
    USER_COLUMNS,
    custom_models_frame,
    groups_frame,
    notes_frame,
    prompts_frame,
    users_frame,
)
from .analysis import (
    message_lengths,
    ratings_by_model,
    response_time_boxes,
    response_times,
    usage_over_time,
)
from .analytics import (
    analytics_crosscheck_frame,
    analytics_daily_frame,
    analytics_models_frame,
    analytics_summary_frame,
    analytics_tokens_frame,
    analytics_users_frame,
)
from .cache import ExportCache, RefreshResult
from .chats import CHAT_COLUMNS, chats_frame, shape_chats
from .evaluations import (
    FEEDBACK_COLUMNS,
    LEADERBOARD_COLUMNS,
    elo_leaderboard,
    feedback_frame,
    leaderboard_frame,
    shape_feedback,
    shape_leaderboard,
)
from .export import EXPORT_COLUMNS, export_frame, shape_export
from .knowledge import (
    KNOWLEDGE_COLUMNS,
    KNOWLEDGE_FILE_COLUMNS,
    knowledge_files_frame,
    knowledge_frame,
    shape_knowledge,
)
from .messages import (
    CHAT_MESSAGE_COLUMNS,
    MESSAGE_COLUMNS,
    chat_messages_frame,
    messages_frame,
    shape_messages,
)
from .models import MODEL_COLUMNS, models_frame, shape_models
from .tools import TOOL_COLUMNS, shape_tools, tools_frame
from .usage import (
    USAGE_COLUMNS,
    USAGE_MODEL_COLUMNS,
    shape_usage,
    shape_usage_models,
    usage_frame,
    usage_models_frame,
)

__all__ = [
    "CHAT_COLUMNS",
    "CHAT_MESSAGE_COLUMNS",
    "CUSTOM_MODEL_COLUMNS",
    "EXPORT_COLUMNS",
    "FEEDBACK_COLUMNS",
    "GROUP_COLUMNS",
    "KNOWLEDGE_COLUMNS",
    "KNOWLEDGE_FILE_COLUMNS",
    "LEADERBOARD_COLUMNS",
    "MESSAGE_COLUMNS",
    "MODEL_COLUMNS",
    "NOTE_COLUMNS",
    "PROMPT_COLUMNS",
    "TOOL_COLUMNS",
    "USAGE_COLUMNS",
    "USAGE_MODEL_COLUMNS",
    "USER_COLUMNS",
    "ExportCache",
    "RefreshResult",
    "analytics_crosscheck_frame",
    "analytics_daily_frame",
    "analytics_models_frame",
    "analytics_summary_frame",
    "analytics_tokens_frame",
    "analytics_users_frame",
    "chat_messages_frame",
    "chats_frame",
    "custom_models_frame",
    "elo_leaderboard",
    "export_frame",
    "export_record",
    "feedback_frame",
    "groups_frame",
    "knowledge_files_frame",
    "knowledge_frame",
    "leaderboard_frame",
    "message_lengths",
    "messages_frame",
    "models_frame",
    "notes_frame",
    "prompts_frame",
    "ratings_by_model",
    "response_time_boxes",
    "response_times",
    "shape_chats",
    "shape_export",
    "shape_feedback",
    "shape_knowledge",
    "shape_leaderboard",
    "shape_messages",
    "shape_models",
    "shape_tools",
    "shape_usage",
    "shape_usage_models",
    "sync_dataset",
    "tools_frame",
    "usage_frame",
    "usage_models_frame",
    "usage_over_time",
    "usage_record",
    "users_frame",
]
