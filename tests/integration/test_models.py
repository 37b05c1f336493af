"""Model listings on every server version."""

from __future__ import annotations

import uuid


def test_custom_models_on_every_version(client_any):
    model_id = f"custom-{uuid.uuid4().hex[:8]}"
    body = {
        "id": model_id,
        "base_model_id": "alpha",
        "name": "Custom Alpha",
        "meta": {"description": "made by the test"},
        "params": {},
        "access_control": None,
    }
    http = client_any._http
    http.request("POST", "/api/v1/models/create", json=body)
    try:
        custom = client_any.models.custom()
    finally:  # the server is shared by the session's tests: leave its model list as it was
        # The client picks the server's way (0.6.15 deletes with DELETE, 0.6.43 with POST).
        assert client_any.models.delete(model_id) is True
    mine = [m for m in custom if m["id"] == model_id]
    assert len(mine) == 1 and mine[0]["base_model_id"] == "alpha"
    assert model_id not in {m["id"] for m in client_any.models.custom()}
    assert {"alpha", "beta"} <= {m.id for m in client_any.models.list()}
    assert isinstance(client_any.models.base(), list)
