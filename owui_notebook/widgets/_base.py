"""What every panel shares: its client, tasks, renderer, status line, Stop and teardown."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..render import error_html
from ._client import async_client
from ._stream_view import LiveRenderer
from ._tasks import PanelTasks, error_text

if TYPE_CHECKING:
    from ..client import AsyncChatStream, AsyncOpenWebUI, OpenWebUI

# A Stop reaches each model at its next chunk; a stream that sends nothing for this long
# afterwards is cancelled outright (its partial answer is still saved).
STOP_GRACE_S = 1.0
MUTED = "color:#777;font-size:0.9em"
# ipywidgets sets an HTML widget's line height to a control's height (28 px), made for one
# line labels; answers are paragraphs. JupyterLab also unstyles links. One style element
# per panel, scoped to its class, fixes both in every front end.
PANEL_CSS = (
    "<style>"
    ".owui-panel .widget-html-content{line-height:1.45}"
    ".owui-panel .widget-html-content p{margin:0.3em 0}"
    ".owui-panel .widget-html-content a{color:#1a73e8;text-decoration:underline}"
    "</style>"
)


class Panel:
    """Base of the panels. Subclasses build `widget` and start their work with `_tasks`."""

    widget: widgets.Box

    _client: AsyncOpenWebUI

    def __init__(self, client: AsyncOpenWebUI | OpenWebUI | None, *, connect: bool = True) -> None:
        # A panel given all its data (a dashboard of a DataFrame) needs no server.
        if connect:
            self._client, self._owns_client = async_client(client)
        else:
            self._client, self._owns_client = None, False  # type: ignore[assignment]
        self.status = widgets.HTML()
        self._tasks = PanelTasks(self._show_error)
        self._renderer = LiveRenderer(self._tasks)
        self._running: asyncio.Task[Any] | None = None
        self._watchdog: asyncio.TimerHandle | None = None

    def _frame(self, *children: widgets.Widget, name: str) -> widgets.VBox:
        """The panel's outer box: `children` and the panel's style, classed `name`."""
        box = widgets.VBox(
            [widgets.HTML(PANEL_CSS), *children], layout=widgets.Layout(width="100%")
        )
        box.add_class("owui-panel")
        box.add_class(name)
        return box

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    @property
    def running(self) -> bool:
        """Whether answers are streaming now."""
        return self._running is not None and not self._running.done()

    async def wait(self, timeout: float | None = None) -> None:
        """Wait until the panel is idle: everything its buttons started has finished."""
        await self._tasks.wait(timeout)

    def _say(self, text: str) -> None:
        self.status.value = f'<span style="{MUTED}">{html.escape(text)}</span>' if text else ""

    def _show_error(self, error: BaseException | str) -> None:
        self.status.value = error_html(error if isinstance(error, str) else error_text(error))

    def _stop_soon(self, stream: AsyncChatStream) -> None:
        """After `stream.abort()`: cancel the running task if the stream has not ended
        within `STOP_GRACE_S` (a model that sends nothing never sees the abort)."""
        task = self._running

        def force() -> None:
            # Only while the models are still being read: once saving began, let it finish.
            if task is not None and not task.done() and not stream.saved:
                task.cancel()

        self._watchdog = asyncio.get_running_loop().call_later(STOP_GRACE_S, force)

    def _stopped(self) -> None:
        if self._watchdog is not None:
            self._watchdog.cancel()
            self._watchdog = None

    async def aclose(self) -> None:
        """Stop what runs, close the widgets, and the client if the panel made it."""
        self._stopped()
        await self._tasks.aclose()
        stack: list[widgets.Widget] = [self.widget]
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            widget.close()
        if self._owns_client and self._client is not None:
            await self._client.aclose()

    def close(self) -> None:
        """`aclose` in a task (from a cell or a callback); or ``await panel.aclose()``."""
        self._tasks.start(self.aclose(), name="owui-panel-close")


async def read_stream(
    stream: AsyncChatStream,
    renderer: LiveRenderer,
    on_item: Callable[[Any], None],
    stopping: Callable[[], bool],
) -> BaseException | None:
    """Feed every item of `stream` to `on_item` while `renderer` runs; the stream saves
    the turn however it ends. Returns the error that ended it (None if it finished or was
    stopped by us); a cancellation that is not our own Stop is re-raised."""
    renderer.start()
    try:
        async with stream:
            async for item in stream:
                on_item(item)
    except asyncio.CancelledError:
        if not stopping():
            raise
        # Our Stop cancelled a model that sent nothing to notice the abort with; the
        # stream saved what arrived, and the panel goes on to show it.
        task = asyncio.current_task()
        if task is not None and hasattr(task, "uncancel"):
            task.uncancel()
    except Exception as exc:
        return exc
    finally:
        await renderer.stop()
    return None
