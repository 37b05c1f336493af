"""Bootstrap a fresh Open WebUI: its first admin, an API key, more users."""

from __future__ import annotations

from typing import Any

import httpx

from ..client._log_redact import install as install_log_redaction
from .common import BootstrapError

# --------------------------------------------------------------------------- bootstrapping


def _call(
    url: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict[str, Any] | None = None,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    install_log_redaction()  # httpcore logs the signup's set-cookie JWT at DEBUG
    try:
        # A fresh client each time: no cookie from a signup may stand in for the token we test.
        with httpx.Client(base_url=url, timeout=60.0, trust_env=False) as http:
            return http.request(method, path, json=body, headers=headers)
    except httpx.HTTPError as exc:
        raise BootstrapError(f"{method} {path} at {url} failed: {type(exc).__name__}") from None


def _json(response: httpx.Response, what: str) -> dict[str, Any]:
    request = response.request
    where = f"{request.method} {request.url.path} -> {response.status_code}"
    if response.status_code != 200:
        try:
            detail = response.json().get("detail")
        except ValueError:
            detail = response.text[:200]
        raise BootstrapError(f"could not {what}: {where}: {detail}")
    try:
        data = response.json()
    except ValueError:
        raise BootstrapError(f"could not {what}: {where} is not JSON") from None
    if not isinstance(data, dict):
        raise BootstrapError(f"could not {what}: {where} answered {type(data).__name__}")
    return data


def bootstrap_admin(url: str, email: str, password: str, name: str = "Admin") -> tuple[str, str]:
    """Sign up the first user (the admin), or sign in if it exists; return ``(jwt, api_key)``.

    The API key is the admin's existing one if it has one, else a new one.
    """
    creds = {"email": email, "password": password}
    response = _call(url, "POST", "/api/v1/auths/signup", body={**creds, "name": name})
    # 400: the e-mail is taken; 403: signup closed after the first user (a reused data dir).
    if response.status_code in (400, 403):
        response = _call(url, "POST", "/api/v1/auths/signin", body=creds)
    user = _json(response, f"sign up or sign in as {email}")
    if user.get("role") != "admin" or not user.get("token"):
        raise BootstrapError(f"{email} signed in but is {user.get('role')!r}, not an admin")
    jwt = user["token"]
    response = _call(url, "GET", "/api/v1/auths/api_key", token=jwt)
    if response.status_code != 200:  # 404: no key yet
        response = _call(url, "POST", "/api/v1/auths/api_key", token=jwt)
    key = _json(response, "create an API key for the admin").get("api_key")
    if not key:
        raise BootstrapError("the server answered the API key request without a key")
    return jwt, key


def create_user(
    url: str, admin_token: str, name: str, email: str, password: str, role: str = "user"
) -> dict[str, Any]:
    """Add a user through the admin endpoint; return the server's answer (id, email, role...)."""
    body = {"name": name, "email": email, "password": password, "role": role}
    response = _call(url, "POST", "/api/v1/auths/add", token=admin_token, body=body)
    return _json(response, f"add the user {email}")
