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
