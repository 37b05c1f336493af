"""Stats, analytics, evaluations and auth against real servers, on each version they apply to."""

from __future__ import annotations

import time

import pytest

from owui_notebook.client import (
    AuthenticationError,
    OpenWebUI,
    PermissionDeniedError,
    UnexpectedResponseError,
    UnsupportedFeatureError,
    validate_history,
)
from owui_notebook.client.features import FEATURES, has_feature


def _needs(version, feature):
    """Skip a test of the newest server's `feature` on a release without it (compat runs)."""
    if not has_feature(version, feature):
        pytest.skip(f"needs Open WebUI >= {FEATURES[feature].since}")


@pytest.fixture
def seeded(client_any):
    """Two chats of known shape: alpha twice, then an alpha/beta fan-out."""
    single = client_any.chat("alpha", title="stats single")
    single.send("one")
    single.send("two")
    multi = client_any.chat("alpha", title="stats multi")
    multi.send_many("compare", ["alpha", "beta"])
    return {"single": single.id, "multi": multi.id}


def test_usage_stats_match_the_chats(client_any, seeded):
    version = client_any.version()
    if not has_feature(version, "chat_usage_stats"):
        with pytest.raises(UnsupportedFeatureError, match=r"needs Open WebUI >= 0\.6\.42"):
            client_any.stats.usage()
        return
    rows = {row.id: row for row in client_any.stats.iter_usage(items_per_page=2)}
    single, multi = rows[seeded["single"]], rows[seeded["multi"]]
    assert single.history_models == {"alpha": 2} and single.history_user_message_count == 2
    assert multi.history_models == {"alpha": 1, "beta": 1}
    assert multi.history_assistant_message_count == 2 and multi.models == {"alpha": 1}
    page = client_any.stats.usage(1, items_per_page=1)
    assert len(page.items) == 1 and page.total == len(rows)


def test_export_paged_and_ndjson_agree(client_any, seeded):
    version = client_any.version()
    if not has_feature(version, "chat_stats_export"):
        with pytest.raises(UnsupportedFeatureError, match=r"needs Open WebUI >= 0\.7\.0"):
            list(client_any.stats.iter_export())
        return
    streamed = {r["id"]: r for r in client_any.stats.iter_export(stream=True)}
    paged = {r["id"]: r for r in client_any.stats.iter_export(stream=False)}
    assert streamed.keys() == paged.keys() and set(seeded.values()) <= streamed.keys()
    assert streamed[seeded["multi"]]["stats"] == paged[seeded["multi"]]["stats"]
    # 0.9.6 and 0.10.2 drop every message without annotation tags from their export (and
    # from its per-role counts); the client rebuilds those records from the full chat.
    single = client_any.chats.get(seeded["single"])
    for record in (streamed[seeded["single"]], paged[seeded["single"]]):
        messages = record["chat"]["history"]["messages"]
        assert sorted(m["role"] for m in messages.values()) == [
            "assistant",
            "assistant",
            "user",
            "user",
        ]
        assert set(messages) == set(single.messages)
        assert record["stats"]["history_user_message_count"] == 2
        assert record["stats"]["history_assistant_message_count"] == 2
        assert record["stats"]["message_count"] == 4
    one = client_any.stats.export_chat(seeded["single"])
    assert one["stats"] == streamed[seeded["single"]]["stats"]
    assert one["chat"] == streamed[seeded["single"]]["chat"]


def test_export_since_updated_at_fetches_only_changed_chats(client_any, seeded):
    if not has_feature(client_any.version(), "chat_stats_export"):
        pytest.skip("this server has no stats export (covered above)")
    since = int(time.time())
    time.sleep(1.1)  # the server keeps whole seconds and returns updated_at > since
    client_any.chat(chat_id=seeded["single"]).send("touch")
    changed = [r["id"] for r in client_any.stats.iter_export(updated_at=since)]
    assert changed == [seeded["single"]]


def test_unknown_endpoints_are_not_parsed_as_data(client_any):
    # Every release answers an /api path it lacks with 200 and the web UI's page.
    with pytest.raises(UnexpectedResponseError, match="web page instead of data"):
        client_any._http.request("GET", "/api/v1/owui-notebook-no-such-endpoint")
    if not has_feature(client_any.version(), "chat_usage_stats"):
        with pytest.raises(UnexpectedResponseError, match="web page instead of data"):
            client_any._http.request("GET", "/api/v1/chats/stats/usage")


def test_analytics(client, seeded_latest):
    _needs(client.version(), "analytics")
    summary = client.analytics.summary()
    assert isinstance(summary, dict) and summary
    models = client.analytics.models()
    assert isinstance(models, dict)
    messages = client.analytics.messages(chat_id=seeded_latest)
    assert {m.get("model_id") for m in messages if m.get("role") == "assistant"} == {
        "alpha",
        "beta",
    }
    for call in (client.analytics.users, client.analytics.daily, client.analytics.tokens):
        assert isinstance(call(), dict)
    assert isinstance(client.analytics.model_overview("alpha"), dict)
    assert isinstance(client.analytics.model_chats("alpha"), dict)


@pytest.fixture
def seeded_latest(client):
    _needs(client.version(), "analytics")
    chat = client.chat("alpha", title="analytics")
    chat.send_many("compare for analytics", ["alpha", "beta"])
    return chat.id


def test_rating_reaches_the_leaderboard_and_the_chat(client):
    chat = client.chat("alpha")
    results = chat.send_many("rate us", ["alpha", "beta"])
    feedback = chat.rate(results[0], 1, comment="clear winner")
    assert feedback.id and feedback.data["sibling_model_ids"] == ["beta"]
    if has_feature(client.version(), "leaderboard"):
        entries = {e["model_id"]: e for e in client.evaluations.leaderboard()}
        assert entries["alpha"]["won"] >= 1 and entries["beta"]["lost"] >= 1
    else:  # up to 0.6 the web UI computes it in the browser: the server has no endpoint
        with pytest.raises(UnsupportedFeatureError) as info:
            client.evaluations.leaderboard()
        assert str(info.value) == (
            f"this server (Open WebUI {client.version()}) has no evaluations leaderboard "
            "(/api/v1/evaluations/leaderboard); it needs Open WebUI >= 0.7.0"
        )
    record = client.chats.get(chat.id)
    assert record.messages[results[0].message_id]["annotation"]["rating"] == 1
    assert validate_history(record) == []
    assert feedback.id in {f.id for f in client.evaluations.my_feedbacks()}


def test_non_admin_gets_a_clear_refusal_for_admin_endpoints(owui_sandbox, fresh_user):
    _needs(owui_sandbox.version, "analytics")
    with OpenWebUI(owui_sandbox.url) as other:
        other.signin(fresh_user["email"], fresh_user["password"])
        with pytest.raises((PermissionDeniedError, AuthenticationError)) as info:
            other.analytics.summary()
        assert "/api/v1/analytics/summary" in str(info.value)


def test_auth_by_api_key_jwt_and_signin(owui_sandbox_any):
    box = owui_sandbox_any
    with OpenWebUI(box.url, box.api_key) as by_key, OpenWebUI(box.url, box.jwt) as by_jwt:
        assert by_key.me().email == by_jwt.me().email == box.admin_email
        assert by_key.me().role == "admin"
    with OpenWebUI(box.url) as anonymous:
        user = anonymous.signin(box.admin_email, box.admin_password)
        assert user.email == box.admin_email
        assert anonymous.chats.list() is not None
        assert box.admin_password not in repr(user) and (user.token or "x") not in repr(user)


def test_bad_token_is_a_clear_authentication_error(owui_sandbox_any):
    bad = "sk-definitely-not-a-valid-key-123"
    with OpenWebUI(owui_sandbox_any.url, bad) as client, pytest.raises(AuthenticationError) as info:
        client.chats.list()
    message = str(info.value)
    assert message.startswith("GET /api/v1/chats/list -> 401") and "OWUI_API_KEY" in message
    assert bad not in message and "\n" not in message


def test_models_listing(client_any):
    ids = [m.id for m in client_any.models.list()]
    assert {"alpha", "beta", "gamma"} <= set(ids)
    assert client_any.models.get("beta").id == "beta"
    with pytest.raises(Exception, match="did you mean 'beta'"):
        client_any.models.get("betta")


def test_server_info_and_features(client_any, owui_sandbox_any):
    info = client_any.server_info()
    assert info.version == owui_sandbox_any.version
    assert client_any.has("chat_stats_export") == has_feature(info.version, "chat_stats_export")
