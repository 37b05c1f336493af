"""Files: ``/api/v1/files`` (uploads for retrieval and attachments)."""

from __future__ import annotations

import builtins
import mimetypes
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...errors import BadRequestError, ConfigurationError, NotFoundError
from ...types import FileRecord
from .._resource import AsyncResource

_BASE = "/api/v1/files"
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

# What `files=` on a chat turn and `add_file` accept: an uploaded file, its id, a path to
# upload, or an attachment item already in the web UI's shape.
FileRef = FileRecord | str | os.PathLike[str] | dict[str, Any]


class AsyncFiles(AsyncResource):
    """Uploaded files (``client.files``): upload, list, read, delete."""

    async def upload(
        self,
        file: str | os.PathLike[str] | bytes,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        process: bool = True,
        wait: bool = True,
    ) -> FileRecord:
        """Upload a path or bytes; the server extracts its text for retrieval when `process`.

        With `wait` the call returns once the text is extracted and embedded, so the file can
        be used in a chat or a knowledge base at once (0.9+ would otherwise do it in the
        background, and a chat sent meanwhile gets an empty document). A failed extraction
        raises `BadRequestError`.
        """
        if isinstance(file, bytes):
            if not filename:
                raise ConfigurationError("uploading bytes needs filename=")
            data = file
        else:
            path = Path(file).expanduser()
            if not path.is_file():
                raise ConfigurationError(f"no such file to upload: {path}")
            data = path.read_bytes()
            filename = filename or path.name
        ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        body = await self._http.request(
            "POST",
            f"{_BASE}/",
            files={"file": (filename, data, ctype)},
            params={
                "process": "true" if process else "false",
                "process_in_background": "false" if wait else "true",
            },
        )
        record = FileRecord.model_validate(body)
        status = (record.data or {}).get("status")
        if process and wait and status == "failed":
            error = (record.data or {}).get("error") or "no reason given"
            raise BadRequestError(
                f"the server could not extract the text of {filename!r}: {error}",
                method="POST",
                path=f"{_BASE}/",
                status_code=400,
            )
        return record

    async def list(self, *, content: bool = False) -> builtins.list[FileRecord]:
        """Every file this user uploaded (admins: every user's), every page.

        Without `content` the extracted text is left out (0.9+; 0.6 always sends it).
        """
        rows = await self._all_pages(f"{_BASE}/", content=str(content).lower())
        return [FileRecord.model_validate(r) for r in rows]

    async def search(self, pattern: str, *, content: bool = False) -> builtins.list[FileRecord]:
        """Files whose name matches `pattern` (``*`` and ``?`` wildcards, any case);
        ``"report"`` alone finds names containing it. An empty list when none match."""
        if not pattern or not pattern.strip():
            raise ConfigurationError("search needs a file name pattern, e.g. '*.pdf'")
        if not any(c in pattern for c in "*?["):
            pattern = f"*{pattern}*"
        try:
            rows = await self._get(
                f"{_BASE}/search", filename=pattern, content=str(content).lower()
            )
        except NotFoundError:  # the server answers 404 "No files found matching the pattern"
            return []
        return [FileRecord.model_validate(r) for r in rows or []]

    async def get(self, file_id: str) -> FileRecord:
        """One file's record (name, size, metadata) by id."""
        return FileRecord.model_validate(await self._get(f"{_BASE}/{file_id}"))

    async def content(self, file_id: str) -> bytes:
        """The file's bytes as uploaded."""
        async with self._http.stream(
            "GET", f"{_BASE}/{file_id}/content", allow_html=True
        ) as response:
            return await response.aread()

    async def text(self, file_id: str) -> str:
        """The text the server extracted from the file (what retrieval searches)."""
        body = await self._get(f"{_BASE}/{file_id}/data/content")
        return str((body or {}).get("content") or "") if isinstance(body, dict) else ""

    async def delete(self, file_id: str) -> bool:
        """Delete a file from the server."""
        body: Any = await self._delete(f"{_BASE}/{file_id}")
        return bool(body)

    # -- attaching files to a chat turn ---------------------------------------------------

    async def resolve(self, file: FileRef) -> FileRecord:
        """A `FileRecord` for an uploaded file, its id, or a path (uploaded now, waiting)."""
        if isinstance(file, FileRecord):
            return file
        if isinstance(file, dict):
            return FileRecord.model_validate(file.get("file") or file)
        if isinstance(file, (str, os.PathLike)):
            path = Path(file).expanduser()
            if path.is_file():
                return await self.upload(path)
            if isinstance(file, str) and _UUID.match(file):
                return await self.get(file)
            raise ConfigurationError(
                f"no such file: {str(file)!r} (a path to upload, an uploaded file's id, "
                "or a FileRecord)"
            )
        raise ConfigurationError(
            f"cannot attach a {type(file).__name__}: pass a path, a file id or a FileRecord"
        )

    async def attachments(
        self, files: FileRef | Iterable[FileRef] | None
    ) -> builtins.list[dict[str, Any]]:
        """`files` as the items a chat request and its user message carry (paths uploaded)."""
        if files is None:
            return []
        if isinstance(files, (FileRecord, str, os.PathLike, dict)):
            files = [files]
        items = []
        for file in files:
            if isinstance(file, dict) and file.get("type"):
                items.append(file)  # already an attachment item (file, collection, ...)
            else:
                items.append(self.attachment(await self.resolve(file)))
        return items

    def attachment(self, record: FileRecord) -> dict[str, Any]:
        """An uploaded file as the web UI attaches it to a message (shown above the prompt)."""
        meta = record.meta or {}
        return {
            "type": "file",
            "id": record.id,
            "name": record.filename or meta.get("name") or record.id,
            "size": meta.get("size"),
            "status": "uploaded",
            "url": f"{self._client.base_url}{_BASE}/{record.id}",
            "file": record.model_dump(mode="json"),
        }
