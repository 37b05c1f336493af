"""One contender in a process of its own, driven over a JSON-lines pipe.

    <venv>/bin/python bench/peers/worker.py DRIVER   (DRIVER: a drive_*.py module beside this)

Runs under the contender's own interpreter (a peer's private venv, or the project's), so its
pins never meet ours and its imports are its own. Standard library only, like the drivers'
glue. Reads ``$PEER_URL`` and ``$PEER_KEY``; prints one ``{"ready": ...}`` line, then answers
each request line ``{"op": NAME, "args": {...}}`` with one line: the driver's result dict
plus ``"ok": true``, or ``{"ok": false, "error": "..."}``. Timings are taken inside the
worker, around the contender's own call, so the pipe adds nothing to them.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import sys
import time
import traceback


def _rss_mb() -> float:
    """Resident memory now (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def main() -> int:
    name = sys.argv[1]
    out = sys.stdout
    sys.stdout = sys.stderr  # a chatty contender must not corrupt the pipe
    before = _rss_mb()
    start = time.perf_counter()
    module = importlib.import_module(name)
    driver = module.Driver(os.environ["PEER_URL"], os.environ["PEER_KEY"])
    ready = {
        "ready": True,
        "driver": name,
        "package": getattr(module, "PACKAGE", name),
        "version": module.version(),
        "startup_s": time.perf_counter() - start,
        "startup_rss_mb": _rss_mb() - before,
    }
    out.write(json.dumps(ready) + "\n")
    out.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        op = request["op"]
        try:
            if op == "rss":
                reply = {"rss_mb": _rss_mb(), "peak_rss_mb": _peak_rss_mb()}
            else:
                reply = getattr(driver, op)(**request.get("args", {}))
            reply = {"ok": True, **reply}
        except Exception as exc:  # the contender failed: report it, keep serving
            reply = {
                "ok": False,
                "error": f"{type(exc).__name__}: {exc}"[:500],
                "trace": traceback.format_exc(limit=4)[-1500:],
            }
        out.write(json.dumps(reply) + "\n")
        out.flush()
    close = getattr(driver, "close", None)
    if close is not None:
        close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
