"""Text for a terminal: control characters shown as escapes, never acted on.

Model output, notebook sources and server messages are untrusted. A terminal acts on the
control characters in what it prints: ``ESC]0;…BEL`` retitles the window, ``ESC[2J`` clears
the screen, ``ESC]52;c;…`` writes the clipboard, ``CR`` overwrites a line with another. Every
print of such text goes through `terminal_safe`, which keeps newlines and tabs and shows
every other C0/C1 control character (and DEL) as ``\\xNN``.
"""

from __future__ import annotations

import re

# C0 without \t and \n, DEL, and C1 (U+0080-U+009F: CSI and OSC have one-character forms).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_safe(text: str) -> str:
    """`text` with its control characters escaped (newlines and tabs kept; CRLF becomes LF)."""
    return _CONTROL.sub(_escaped, text.replace("\r\n", "\n"))
