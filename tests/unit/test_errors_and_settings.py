import pytest

from owui_notebook.client import OpenWebUI, errors
from owui_notebook.client._settings import normalize_url
from owui_notebook.client.features import FEATURES, require_feature

SECRET = "sk-this-is-a-very-secret-key-42"


def every_error(message):
    status_kw = dict(method="GET", path="/x", status_code=500)
    yield errors.OpenWebUIError(message)
    yield errors.ConfigurationError(message)
    yield errors.TransportError(message, method="GET", path="/x")
    yield errors.ConnectError(message)
    yield errors.RequestTimeout(message)
    yield errors.StreamInterrupted(message, partial=message)
    for cls in (
        errors.APIStatusError,
        errors.BadRequestError,
        errors.AuthenticationError,
        errors.PermissionDeniedError,
        errors.NotFoundError,
        errors.ServerError,
    ):
        yield cls(message, **status_kw)
    yield errors.RateLimitError(message, retry_after=1, **status_kw)
    yield errors.ModelError(message, model="m")
    yield errors.UnsupportedFeatureError(message)
    yield errors.UnexpectedResponseError(message)
    yield errors.InvalidHistoryError([message])
    yield errors.status_error(method="GET", path="/x", status_code=401, reason="", detail=message)


def test_no_error_type_shows_a_registered_secret():
    errors.register_secret(SECRET)
    for exc in every_error(f"server said: bad token {SECRET}"):
        assert SECRET not in str(exc) and SECRET not in repr(exc), type(exc)
        assert "***" in str(exc)


def test_status_errors_name_method_path_status_detail_and_a_hint():
    exc = errors.status_error(
        method="POST",
        path="/api/v1/chats/new",
        status_code=401,
        reason="Unauthorized",
        detail="Not authenticated",
    )
    assert isinstance(exc, errors.AuthenticationError)
    assert str(exc) == (
        "POST /api/v1/chats/new -> 401 Unauthorized: Not authenticated "
        "(check the API key or token (OWUI_API_KEY))"
    )
    exc = errors.status_error(
        method="GET",
        path="/p",
        status_code=422,
        reason="",
        detail=[{"loc": ["body", "name"], "msg": "field required"}],
    )
    assert isinstance(exc, errors.BadRequestError) and "name: field required" in str(exc)


def test_client_repr_and_settings_hide_the_key():
    client = OpenWebUI("http://localhost:9", SECRET)
    assert SECRET not in repr(client) and SECRET not in repr(client.settings)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("localhost:8080", "http://localhost:8080"),
        ("https://chat.example.com/", "https://chat.example.com"),
        ("http://h:3000/api/v1", "http://h:3000"),
        ("http://h:3000/c/1234-abcd", "http://h:3000"),
        ("https://h/owui/", "https://h/owui"),
    ],
)
def test_urls_are_normalised(given, expected):
    assert normalize_url(given) == expected


@pytest.mark.parametrize("bad", ["", "ftp://x", "http://", "http://h:port"])
def test_bad_urls_are_one_line_errors(bad):
    with pytest.raises(errors.ConfigurationError) as info:
        normalize_url(bad)
    assert "\n" not in str(info.value)


def test_url_and_key_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("OWUI_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("OWUI_API_KEY", SECRET)
    client = OpenWebUI()
    assert client.base_url == "http://127.0.0.1:9" and client.settings.api_key == SECRET


def test_key_over_plain_http_to_a_remote_host_warns():
    with pytest.warns(UserWarning, match="plain http"):
        OpenWebUI("http://chat.example.com", SECRET)


@pytest.mark.parametrize(
    "status, detail, expected",
    [
        (401, "We could not find what you're looking for :/", errors.NotFoundError),
        (401, "You do not have permission to access this resource.", errors.PermissionDeniedError),
        (403, "Not authenticated", errors.AuthenticationError),
        (401, "Your session has expired or the token is invalid.", errors.AuthenticationError),
        (400, "500: GPU on fire", errors.ServerError),
        (400, "Model not found", errors.BadRequestError),
        (404, None, errors.NotFoundError),
        (418, None, errors.APIStatusError),
        (503, None, errors.ServerError),
    ],
)
def test_errors_are_classified_by_what_open_webui_means(status, detail, expected):
    exc = errors.status_error(method="GET", path="/x", status_code=status, reason="", detail=detail)
    assert type(exc) is expected


@pytest.mark.parametrize(
    "text",
    [
        "sk-X",
        "bad Open WebUI URL 'http://sk-3f2a9c0b1d'",
        "sending an API key over plain http to SK-ABCDEF; use https",
        "$eyJhbGciOiJIUzI1NiJ9.eyJpZCI6IjEifQ.sig is not set",
    ],
)
def test_key_shaped_strings_are_redacted_even_when_unregistered(text):
    redacted = errors.redact(text)
    assert "***" in redacted and "sk-" not in redacted.lower() and "eyJ" not in redacted
    assert errors.looks_like_secret(text)


@pytest.mark.parametrize("text", ["task-1", "risk-free", "eyjafjallajokull", "ask-me", "desk"])
def test_ordinary_words_are_not_taken_for_keys(text):
    assert errors.redact(text) == text and not errors.looks_like_secret(text)


def test_a_key_given_as_the_url_is_never_named_in_the_warning():
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        OpenWebUI("sk-0123456789abcdef", "an-api-key-of-sorts")
    assert caught and all("sk-0123456789abcdef" not in str(w.message) for w in caught)


@pytest.mark.parametrize("detail", ["Something went wrong :/", {"detail": ""}])
def test_a_refusal_without_a_reason_does_not_blame_the_key(detail):
    exc = errors.status_error(
        method="POST",
        path="/api/v1/chats/c1/tags",
        status_code=401,
        reason="Unauthorized",
        detail=detail,
    )
    assert type(exc) is errors.PermissionDeniedError
    assert "API key" not in str(exc) and "another user or does not exist" in str(exc)
    assert str(exc).startswith("POST /api/v1/chats/c1/tags -> 401 Unauthorized (the server")


def test_no_parser_accepts_abbreviated_options():
    from owui_notebook import cli
    from owui_notebook.magics.options import SUBCOMMANDS

    assert all(func.parser.allow_abbrev is False for func in SUBCOMMANDS.values())
    with pytest.raises(SystemExit):
        cli.main(["sandbox", "--provider-key", "KEY_VAR", "--install-only"])


@pytest.mark.parametrize("name", sorted(FEATURES))
def test_every_missing_feature_is_one_line_that_reads_right(name):
    # Each description goes into "has no <description>" (and the frames' "has no ..., which
    # came in X" notes): a leading article gave "has no the evaluations leaderboard".
    feature = FEATURES[name]
    with pytest.raises(errors.UnsupportedFeatureError) as info:
        require_feature("0.1.0", name)
    assert str(info.value) == (
        f"this server (Open WebUI 0.1.0) has no {feature.description}; "
        f"it needs Open WebUI >= {feature.since}"
    )
    assert feature.description.split()[0].lower() not in {"the", "a", "an", "any", "some"}
    assert info.value.needs == feature.since and "\n" not in str(info.value)
