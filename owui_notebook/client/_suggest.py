"""'Did you mean' text for a name the server does not have (pure; no I/O)."""

from __future__ import annotations

import difflib


def suggest(name: str, candidates: list[str], *, none: str) -> str:
    """'; did you mean ...?' for an unknown `name`, else the available names, else `none`.

    `none` is what to say when there is nothing to choose from, worded by the caller for
    what is listed (models, knowledge bases, a knowledge base's files, prompts).
    """
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.4)
    if close:
        return "; did you mean " + ", ".join(repr(c) for c in close) + "?"
    if candidates:
        shown = ", ".join(repr(c) for c in candidates[:8])
        return f"; available: {shown}" + (" ..." if len(candidates) > 8 else "")
    return none
