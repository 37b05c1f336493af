"""Showing answers: safe Markdown, throttled live updates, side-by-side comparisons.

Shared by the magics and the widgets; knows IPython's display system but not widgets.
"""

from .live import AnswerDisplay, ComparisonDisplay, LiveOutput, rich_frontend
from .markdown import (
    answer_code,
    answer_json,
    code_blocks,
    escape_pre,
    safe_html,
    sandboxed_iframe,
)
from .metrics import METRIC_COLUMNS, metrics_frame, result_metrics, status_of, summary_line
from .throttle import Throttle
from .views import (
    FORMATS,
    answer_html,
    body_html,
    columns_html,
    error_html,
    footer_html,
    link_html,
)

__all__ = [
    "FORMATS",
    "METRIC_COLUMNS",
    "AnswerDisplay",
    "ComparisonDisplay",
    "LiveOutput",
    "Throttle",
    "answer_code",
    "answer_html",
    "answer_json",
    "body_html",
    "code_blocks",
    "columns_html",
    "error_html",
    "escape_pre",
    "footer_html",
    "link_html",
    "metrics_frame",
    "result_metrics",
    "rich_frontend",
    "safe_html",
    "sandboxed_iframe",
    "status_of",
    "summary_line",
]
