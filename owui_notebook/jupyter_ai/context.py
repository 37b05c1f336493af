"""What the user attached to a chat message, as text for the model.

JupyterLab's chat attaches files and notebook cells (dragged in, or a selection within them);
its "Send message with selection" puts the active cell or the selection into the message body
itself. Only files under the server's root are read, and each is capped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = ["MAX_CHARS", "attachment_context"]

MAX_CHARS = 20_000  # per attachment: a notebook's outputs or a data file must not flood it


def attachment_context(attachments: list[Any], root: Path | str) -> str:
    """Markdown blocks for `attachments` (jupyterlab_chat's FileAttachment and
    NotebookAttachment, or their dicts); "" when there is nothing readable."""
    blocks = [_block(_as_dict(a), Path(root)) for a in attachments]
    return "\n\n".join(b for b in blocks if b)


def _as_dict(attachment: Any) -> dict[str, Any]:
    if isinstance(attachment, dict):
        return attachment
    from dataclasses import asdict

    return asdict(attachment)


def _block(att: dict[str, Any], root: Path) -> str:
    path = str(att.get("value") or "")
    if att.get("type") == "notebook":
        cells = _notebook_cells(root, path, att.get("cells"))
        if not cells:
            return ""
        return "\n\n".join(
            _fenced(f"{path}, cell {i}", text, lang) for i, (text, lang) in enumerate(cells, 1)
        )
    selection = att.get("selection")
    if selection and selection.get("content"):
        start, end = selection.get("start") or [0], selection.get("end") or [0]
        where = f"{path}, lines {start[0] + 1}-{end[0] + 1}"
        return _fenced(where, selection["content"], _lang(path))
    text = _read(root, path)
    return _fenced(path, text, _lang(path)) if text else ""


def _notebook_cells(root: Path, path: str, wanted: Any) -> list[tuple[str, str]]:
    raw = _read(root, path, limit=None)
    try:
        cells = json.loads(raw).get("cells", []) if raw else []
    except (ValueError, AttributeError):
        return []
    by_id = {c.get("id"): c for c in cells if isinstance(c, dict)}
    chosen: list[tuple[str, str]] = []
    for item in wanted or [{"id": c.get("id")} for c in cells if isinstance(c, dict)]:
        item = item if isinstance(item, dict) else _as_dict(item)
        cell = by_id.get(item.get("id"))
        selection = item.get("selection")
        if selection and selection.get("content"):
            text = selection["content"]
        elif cell is not None:
            source = cell.get("source", "")
            text = "".join(source) if isinstance(source, list) else str(source)
        else:
            continue
        kind = (cell or {}).get("cell_type") or item.get("input_type")
        chosen.append((text[:MAX_CHARS], "python" if kind == "code" else ""))
    return chosen


def _read(root: Path, path: str, limit: int | None = MAX_CHARS) -> str:
    """A file's text if it lies under `root` (no ``..`` or absolute escapes), else ""."""
    if not path:
        return ""
    try:
        base = root.resolve()
        full = (base / path).resolve()
        full.relative_to(base)
        text = full.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        return ""
    return text if limit is None else text[:limit]


def _lang(path: str) -> str:
    return {".py": "python", ".md": "markdown", ".json": "json", ".sql": "sql"}.get(
        Path(path).suffix.lower(), ""
    )


def _fenced(title: str, text: str, lang: str) -> str:
    fence = "```"
    while fence in text:  # a fence longer than any inside, so the block cannot be closed early
        fence += "`"
    return f"From {title}:\n{fence}{lang}\n{text.rstrip()}\n{fence}"
