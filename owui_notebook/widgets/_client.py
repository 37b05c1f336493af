"""The async client a panel talks through, and how its controls show the server's models."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..client import AsyncOpenWebUI, Model, OpenWebUI


def async_client(client: AsyncOpenWebUI | OpenWebUI | None) -> tuple[AsyncOpenWebUI, bool]:
    """An `AsyncOpenWebUI` for the panel, and whether the panel owns (and must close) it.

    Panels run on the kernel's event loop, so they need the async client. A sync client is
    not used directly (it would block the loop): a new async client with the same server,
    key and options is made. ``None`` connects where the one resolver says
    (``owui_notebook.client._connection``): the notebook's ``%owui connect``, else
    ``$OWUI_URL``/``$OWUI_API_KEY``, else a running sandbox.
    """
    if isinstance(client, AsyncOpenWebUI):
        return client, False
    if client is None:
        return AsyncOpenWebUI(), True
    if isinstance(client, OpenWebUI):
        settings = client.settings  # after a signin, its api_key is the session's token
        made = AsyncOpenWebUI(
            settings.base_url,
            settings.api_key,
            timeout=settings.timeout,
            max_retries=settings.max_retries,
            verify=settings.verify,
        )
        return made, True
    raise TypeError(
        f"client must be an OpenWebUI or AsyncOpenWebUI client, not {type(client).__name__}"
    )


def model_options(models: list[Model], extra: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(label, id) pairs for a selector: the server's name, and the id when it differs.

    Ids in `extra` that the server does not list are kept (marked), so that a panel made
    with them still shows them and a run reports the server's own error in their column.
    """
    options = [(_label(m), m.id) for m in models]
    known = {m.id for m in models}
    options += [(f"{x} (not listed by the server)", x) for x in extra if x not in known]
    return options


def _label(model: Model) -> str:
    name = model.display_name
    return name if name == model.id else f"{name} ({model.id})"


def params_of(temperature: str, max_tokens: str) -> dict[str, Any]:
    """Completion parameters from the panel's optional text fields (blank: server default)."""
    params: dict[str, Any] = {}
    if temperature.strip():
        try:
            params["temperature"] = float(temperature)
        except ValueError:
            raise ValueError(f"temperature must be a number, not {temperature!r}") from None
    if max_tokens.strip():
        try:
            value = int(max_tokens)
        except ValueError:
            value = 0
        if value <= 0:
            raise ValueError(f"max tokens must be a whole number above 0, not {max_tokens!r}")
        params["max_tokens"] = value
    return params
