"""Authentication: ``/api/v1/auths``."""

from __future__ import annotations

from ...errors import PermissionDeniedError, register_secret
from ...types import SessionUser
from .._resource import AsyncResource

_BASE = "/api/v1/auths"


class AsyncAuths(AsyncResource):
    """Who is signed in, signing in, and API keys (``client.auths``)."""

    async def me(self) -> SessionUser:
        """The user the current key or token belongs to."""
        try:
            user = SessionUser.model_validate(await self._get(f"{_BASE}/"))
        except PermissionDeniedError:
            # 0.12 keeps /auths/ for browser sessions; API keys read the same user here.
            user = SessionUser.model_validate(await self._get("/api/v1/users/user/status"))
        register_secret(user.token)  # the session's JWT, which the server hands back
        return user

    async def signin(self, email: str, password: str) -> SessionUser:
        """Sign in with email and password; the client then uses the session's JWT."""
        register_secret(password)
        body = await self._post(f"{_BASE}/signin", {"email": email, "password": password})
        user = SessionUser.model_validate(body)
        if user.token:
            register_secret(user.token)
            self._http.set_token(user.token)
        return user

    async def create_api_key(self) -> str:
        """Create (or replace) this user's API key; needs API keys enabled on the server."""
        body = await self._post(f"{_BASE}/api_key")
        key = str((body or {}).get("api_key", ""))
        register_secret(key)
        return key

    async def get_api_key(self) -> str | None:
        """The signed-in user's API key, or None if they have none."""
        body = await self._get(f"{_BASE}/api_key")
        key = (body or {}).get("api_key") if isinstance(body, dict) else None
        register_secret(key)
        return key
