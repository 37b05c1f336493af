# Generated from owui_notebook/client/_async/resources/files.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Files: ``/api/v1/files`` (uploads for retrieval and attachments)."""

from __future__ import annotations

import mimetypes
import os
from pathlib import Path
from typing import Any

from ...errors import BadRequestError, ConfigurationError
from ...types import FileRecord
from .._resource import Resource

_BASE = "/api/v1/files"


class Files(Resource):
    def upload(
        self,
        file: str | os.PathLike[str] | bytes,
        *,
        filename: str | None = None,
        content_type: str | None = None,
        process: bool = True,
        wait: bool = True,
    ) -> FileRecord:
        """Upload a path or bytes; the server extracts its text for retrieval when `process`.

        With `wait` the call returns once the text is extracted, so the file can be used in
        a chat at once (0.9+ would otherwise extract it in the background, and a chat sent
        meanwhile gets an empty document). A failed extraction raises `BadRequestError`.
        """
        if isinstance(file, bytes):
            if not filename:
                raise ConfigurationError("uploading bytes needs filename=")
            data = file
        else:
            path = Path(file)
            if not path.is_file():
                raise ConfigurationError(f"no such file to upload: {path}")
            data = path.read_bytes()
            filename = filename or path.name
        ctype = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        body = self._http.request(
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

    def list(self) -> list[FileRecord]:
        body = self._get(f"{_BASE}/")
        rows = body.get("items", []) if isinstance(body, dict) else body
        return [FileRecord.model_validate(r) for r in rows or []]

    def get(self, file_id: str) -> FileRecord:
        return FileRecord.model_validate(self._get(f"{_BASE}/{file_id}"))

    def content(self, file_id: str) -> bytes:
        with self._http.stream(
            "GET", f"{_BASE}/{file_id}/content", allow_html=True
        ) as response:
            return response.read()

    def delete(self, file_id: str) -> bool:
        body: Any = self._delete(f"{_BASE}/{file_id}")
        return bool(body)
