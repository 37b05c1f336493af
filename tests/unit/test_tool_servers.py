"""The pure tool-server helpers: ids per release, naming, specs, access in both forms."""

from __future__ import annotations

import pytest

from owui_notebook.client import Access, ConfigurationError
from owui_notebook.client import tool_servers as ts
from owui_notebook.sandbox.tool_server import SPEC


def test_the_tool_id_is_the_one_the_listing_shows():
    conn = {"url": "http://h:1", "info": {"id": "weather"}}
    # 0.9+ lists a server by its own id, 0.6 by its position; neither listed: not loaded.
    assert ts.tool_id_of(conn, 2, ["server:weather"]) == ("server:weather", True)
    assert ts.tool_id_of(conn, 2, ["server:2", "calc"]) == ("server:2", True)
    assert ts.tool_id_of(conn, 2, ["calc"]) == ("server:weather", False)
    assert ts.tool_id_of({"url": "http://h:1"}, 0, []) == ("server:0", False)


def test_resolve_takes_ids_tool_ids_and_names_and_refuses_unknown_ones():
    listed = {"calc": "Calculator", "server:weather": "Weather and rates", "server:1": "Rates"}
    assert ts.resolve(["weather", "server:weather", "Rates"], listed) == [
        "server:weather",
        "server:1",
    ]
    with pytest.raises(
        ConfigurationError, match=r"no tool server 'calc'.*server:1, server:weather"
    ):
        ts.resolve(["calc"], listed)  # a workspace tool is not a tool server
    with pytest.raises(ConfigurationError, match="id strings"):
        ts.resolve([3], listed)  # type: ignore[list-item]


def test_on_0_6_a_connections_own_id_resolves_through_the_admins_aliases():
    raw = [{"url": "http://h:1/", "info": {"id": "weather", "name": "Weather"}}]
    listed = {"server:0": "Weather and rates"}  # 0.6 lists servers by position
    known = ts.aliases(raw, listed)
    assert known == {"weather": "server:0", "Weather": "server:0", "http://h:1": "server:0"}
    assert ts.resolve(["weather", "http://h:1/"], listed, known) == ["server:0"]
    with pytest.raises(ConfigurationError, match="no tool server 'weather'"):
        ts.resolve(["weather"], {}, known)  # configured, but the server could not load it


def test_specs_from_every_release_and_their_operations():
    assert ts.operation_ids(ts.spec_of(SPEC)) == ["weather", "convert"]
    assert ts.spec_of({"openapi": SPEC, "specs": []}) == SPEC  # 0.6's verify reply
    assert ts.spec_of({"detail": "nope"}) == {} and ts.operation_ids({}) == []


def test_a_connection_carries_access_in_both_forms_and_public_views_drop_secrets():
    conn = ts.connection(
        "http://h:1/",
        server_id="w",
        name="W",
        description="",
        path="openapi.json",
        key="secret",
        access=Access.of("public"),
        enabled=True,
    )
    assert conn["url"] == "http://h:1" and conn["auth_type"] == "bearer"
    assert conn["config"]["access_control"] is None  # public up to 0.8
    assert conn["config"]["access_grants"][0]["principal_id"] == "*"
    view = ts.public_view({**conn, "headers": {"X-Key": "secret"}}, 0)
    assert "secret" not in repr(view) and view["has_key"] is True
    with pytest.raises(ConfigurationError, match="http"):
        ts.connection(
            "ftp://h",
            server_id="w",
            name="W",
            description="",
            path="openapi.json",
            key=None,
            access=Access.private(),
            enabled=True,
        )
