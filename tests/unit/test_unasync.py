import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_generated_sync_client_is_up_to_date():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr


def test_sync_and_async_clients_expose_the_same_api():
    from owui_notebook.client import AsyncOpenWebUI, OpenWebUI

    def public(obj):
        return {n for n in dir(obj) if not n.startswith("_")}

    a = AsyncOpenWebUI("http://localhost:9", "sk-x")
    s = OpenWebUI("http://localhost:9", "sk-x")
    assert public(s) - {"close"} == public(a) - {"aclose"}
    for resource in ("chats", "models", "stats", "folders", "evaluations", "analytics"):
        assert public(getattr(s, resource)) == public(getattr(a, resource)), resource


def test_import_is_lazy():
    code = (
        "import sys, owui_notebook; "
        "assert 'httpx' not in sys.modules and 'pandas' not in sys.modules, sorted(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# Names that only make sense in async code: none may survive into the generated sync client.
ASYNC_ONLY = {
    "async",
    "await",
    "Awaitable",
    "AsyncIterator",
    "AsyncIterable",
    "AsyncGenerator",
    "StopAsyncIteration",
    "asynccontextmanager",
    "__aenter__",
    "__aexit__",
    "__aiter__",
    "__anext__",
    "aiter",
    "anext",
    "aclose",
}


def test_generated_sync_client_has_no_async_only_names():
    import io
    import tokenize

    left = []
    for path in sorted((ROOT / "owui_notebook" / "client" / "_sync").rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
        left += [
            f"{path.name}:{tok.start[0]}: {tok.string}"
            for tok in tokens
            if tok.type == tokenize.NAME and tok.string in ASYNC_ONLY
        ]
    assert not left, left


def test_unasync_unwraps_awaitable_and_drops_its_import():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import unasync
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    source = (
        "from collections.abc import Awaitable, Callable\n"
        "async def run(call: Callable[[], Awaitable[dict[str, list[int]]]]) -> None:\n"
        "    await call()\n"
    )
    assert unasync.convert(source) == (
        "from collections.abc import Callable\n"
        "def run(call: Callable[[], dict[str, list[int]]]) -> None:\n"
        "    call()\n"
    )
    kept = "from typing import Awaitable\nx: Awaitable[int]\ny: Awaitable\n"
    assert unasync.convert(kept) == "from typing import Awaitable\nx: int\ny: Awaitable\n"
