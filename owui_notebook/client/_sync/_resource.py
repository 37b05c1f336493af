# Generated from owui_notebook/client/_async/_resource.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Base of every resource group (``client.chats``, ``client.models``, ...)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._responses import expect

if TYPE_CHECKING:
    from .client import OpenWebUI


class Resource:
    def __init__(self, client: OpenWebUI) -> None:
        self._client = client
        self._http = client._http

    def _get(self, path: str, **params: Any) -> Any:
        return self._http.request("GET", path, params=params)

    def _post(self, path: str, body: Any = None, **params: Any) -> Any:
        return self._http.request("POST", path, json=body, params=params)

    def _delete(self, path: str, **params: Any) -> Any:
        return self._http.request("DELETE", path, params=params)

    def _get_list(self, path: str, **params: Any) -> list[Any]:
        return expect(self._get(path, **params), list, "GET", path)

    def _require(self, feature: str) -> None:
        self._client.require(feature)
