"""Filling a saved prompt's ``{{variables}}`` the way Open WebUI's web UI does, in plain Python.

A saved prompt (``/summarize`` in the web UI) may hold:

- **system variables**, which the web UI fills from the browser and the signed-in user:
  ``CURRENT_DATE`` (``2026-11-23``), ``CURRENT_TIME`` (``14:05:09``), ``CURRENT_DATETIME``
  (both, one space apart), ``CURRENT_TIMEZONE`` (IANA name such as ``Europe/Berlin`` where the
  machine tells it, else its abbreviation), ``CURRENT_WEEKDAY`` (``Monday``), ``USER_NAME``,
  ``USER_EMAIL``, ``USER_LANGUAGE`` (``en-US``, from the process locale), ``USER_BIO``,
  ``USER_GENDER``, ``USER_BIRTH_DATE``, ``USER_AGE`` (where the user's profile has them) and
  ``USER_LOCATION`` (``LOCATION_UNKNOWN``, as the web UI writes when it may not ask: a kernel
  has no geolocation);
- **input variables**, ``{{topic}}`` or ``{{topic | text:placeholder="...":default="AI"}}``,
  which the web UI asks for in a form: here they come from `values` (a notebook's
  variables), else the ``default=`` of their definition.

`values` win over system variables, so ``USER_LOCATION = "Berlin"`` or ``CLIPBOARD = text``
in a notebook fills those (a kernel cannot read the browser's clipboard, so ``{{CLIPBOARD}}``
needs such a value). A variable left without a value is a `PromptVariableError` naming it.
Times are the machine's local time, as the browser's would be.

A saved prompt is written by someone else, and `values` is typically a whole notebook
namespace, so only what the user deliberately put there may fill it (see `refusal`): never
IPython's history and helpers (``In``, ``Out``, ``_oh``, ``_i3``, any ``_``-prefixed name),
modules, functions or classes, nor a value whose name or text looks like a secret
(``password``, ``api_key``, ``sk-...``). Such a variable is a `PromptVariableError`, and so is
text that cannot be sent (a lone surrogate such as ``'\\ud800'``).
"""

from __future__ import annotations

import inspect
import json
import locale
import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from .errors import OpenWebUIError, looks_like_secret

# The web UI's own patterns (src/lib/utils: extractInputVariables).
_VARIABLE = re.compile(r"{{\s*([^|}\s]+)\s*(?:\|\s*([^}]+?))?\s*}}")

SYSTEM_VARIABLES = (
    "CURRENT_DATE",
    "CURRENT_TIME",
    "CURRENT_DATETIME",
    "CURRENT_TIMEZONE",
    "CURRENT_WEEKDAY",
    "USER_NAME",
    "USER_EMAIL",
    "USER_LANGUAGE",
    "USER_LOCATION",
    "USER_BIO",
    "USER_GENDER",
    "USER_BIRTH_DATE",
    "USER_AGE",
    "CLIPBOARD",
)


# What an IPython shell puts among the user's variables (its `user_ns_hidden`) without a
# leading underscore: input and output history, and helpers; never the user's data.
SHELL_NAMES = frozenset({"In", "Out", "exit", "quit", "get_ipython", "open"})
# Name parts that mark a secret: ``password``, ``db_passwd``, ``OPENAI_API_KEY``, ``apiKey``.
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:pass(?:word|wd|phrase)?|pwd|secrets?|tokens?|api_?keys?|access_?keys?|"
    r"private_?keys?|credentials?|creds?|auth)(?:$|_)"
)

_CODE_KINDS = (
    (inspect.ismodule, "module"),
    (inspect.isclass, "class"),
    (inspect.isroutine, "function"),
)


def refusal(name: str, value: Any, *, untrusted: bool = True) -> str | None:
    """Why the notebook variable `name` may not fill a template, or ``None`` if it may.

    Only values the user deliberately put in the notebook: never IPython's own names
    (``In``, ``Out``, ``exit``, ...; ``_``, ``_oh``, ``_i3`` and every ``_``-prefixed name),
    modules, functions or classes. An `untrusted` template (a saved prompt, written by
    someone else) also never gets a value whose name or text looks like a secret.
    """
    if name.startswith("_"):
        return (
            "names starting with _ are IPython's history and private names: "
            "rename the variable without the _"
        )
    if name in SHELL_NAMES:
        return "it is IPython's own history or helper, not a variable you set"
    for test, kind in _CODE_KINDS:
        if test(value):
            return f"it is a {kind}, not a value"
    if untrusted:
        snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()
        if _SECRET_NAME.search(snake) or (isinstance(value, str) and looks_like_secret(value)):
            return (
                "it looks like a secret (by name or value): type the text into the cell "
                "yourself if it is meant to be sent"
            )
    return None


def unsendable(text: str) -> str | None:
    """Why `text` cannot be sent as JSON text (a lone surrogate), or ``None`` if it can."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        char = text[exc.start]
        return (
            f"it holds a lone surrogate (U+{ord(char):04X} at character {exc.start}), which "
            "cannot be sent: clean it, e.g. text.encode('utf-8', 'replace').decode()"
        )
    return None


class PromptVariableError(OpenWebUIError):
    """A saved prompt's ``{{variable}}`` has no value."""

    def __init__(self, message: str, *, name: str = "") -> None:
        self.name = name
        super().__init__(message)


@dataclass(frozen=True)
class Variable:
    """One ``{{...}}`` of a prompt: its name, its input type and its ``default=``, if any."""

    name: str
    type: str = "text"
    default: Any = None
    required: bool = False

    @property
    def system(self) -> bool:
        return self.name in SYSTEM_VARIABLES


def variables(text: str) -> list[Variable]:
    """The distinct variables of a prompt, in order of first use."""
    seen: dict[str, Variable] = {}
    for match in _VARIABLE.finditer(text):
        name, definition = match.group(1), match.group(2)
        if definition is not None or name not in seen:
            seen[name] = _parse_definition(name, definition)
    return list(seen.values())


def _parse_definition(name: str, definition: str | None) -> Variable:
    """``text:placeholder="x":default="y":required`` -> type, default and the required flag."""
    if not definition:
        return Variable(name)
    parts = _split(definition.strip(), ":")
    kind = parts[0].strip()
    kind = kind[5:] if kind.startswith("type=") else kind
    props: dict[str, Any] = {}
    for part in parts[1:]:
        key, sep, raw = part.strip().partition("=")
        if key:
            props[key.strip()] = _json_value(raw.strip()) if sep else True
    return Variable(
        name, kind or "text", default=props.get("default"), required=bool(props.get("required"))
    )


def _split(text: str, delimiter: str) -> list[str]:
    """Split on `delimiter` outside double quotes (the web UI's splitProperties)."""
    parts, current, quoted, escaped = [], "", False, False
    for char in text:
        if escaped:
            current, escaped = current + char, False
            continue
        if char == "\\":
            current, escaped = current + char, True
            continue
        if char == '"':
            quoted = not quoted
        if char == delimiter and not quoted:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return parts


def _json_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _timezone_name() -> str:
    """The machine's IANA zone (``Europe/Berlin``) where it can be told, else ``UTC``/``CET``."""
    if os.environ.get("TZ", "").strip(":"):
        return os.environ["TZ"].strip(":")
    try:
        target = str(Path("/etc/localtime").resolve())
        if "zoneinfo/" in target:
            return target.split("zoneinfo/", 1)[1]
    except OSError:
        pass
    return time.strftime("%Z") or "UTC"


def _language() -> str:
    lang = locale.getlocale()[0] or os.environ.get("LANG", "").split(".")[0]
    if not lang or lang in ("C", "POSIX"):
        return "en-US"
    return lang.replace("_", "-")


def _age(birth: str, today: date) -> str | None:
    try:
        born = date.fromisoformat(str(birth)[:10])
    except ValueError:
        return None
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def system_values(user: Any = None, *, now: datetime | None = None) -> dict[str, str]:
    """The system variables as the web UI would fill them now, for `user` (a `SessionUser`,
    a dict or ``None``). Profile fields the user has not set are left out."""
    now = now or datetime.now()
    info = user.model_dump() if hasattr(user, "model_dump") else dict(user or {})
    values = {
        "CURRENT_DATE": now.strftime("%Y-%m-%d"),
        "CURRENT_TIME": now.strftime("%H:%M:%S"),
        "CURRENT_DATETIME": now.strftime("%Y-%m-%d %H:%M:%S"),
        "CURRENT_TIMEZONE": _timezone_name(),
        "CURRENT_WEEKDAY": now.strftime("%A"),
        "USER_NAME": info.get("name") or "User",
        "USER_LANGUAGE": _language(),
        "USER_LOCATION": "LOCATION_UNKNOWN",
    }
    optional = {
        "USER_EMAIL": info.get("email"),
        "USER_BIO": info.get("bio"),
        "USER_GENDER": info.get("gender"),
        "USER_BIRTH_DATE": info.get("date_of_birth"),
        "USER_AGE": _age(info["date_of_birth"], now.date()) if info.get("date_of_birth") else None,
    }
    values.update({k: str(v) for k, v in optional.items() if v})
    return values


def expand(
    text: str,
    values: Mapping[str, Any] | None = None,
    *,
    user: Any = None,
    now: datetime | None = None,
    convert: Callable[[Any], str] = str,
    command: str | None = None,
) -> str:
    """`text` with every ``{{variable}}`` filled: `values` first, then system variables,
    then an input variable's ``default=``. `convert` turns a value into text (``str``).

    Raises `PromptVariableError` naming the first variable without a value, or one that
    `refusal` keeps out (IPython's own names, ``_``-prefixed ones, secrets), or whose text
    cannot be sent; `command` (``"summarize"``) makes the message say which saved prompt
    it came from.
    """
    values = values if values is not None else {}
    system = system_values(user, now=now)
    where = f"the saved prompt /{command}" if command else "the prompt"
    found: dict[str, str] = {}
    for var in variables(text):
        if var.name in values:
            value = values[var.name]
            reason = refusal(var.name, value)
            if reason:
                raise PromptVariableError(
                    f"{where} asks for {{{{{var.name}}}}}, which it may not have: {reason} "
                    "(nothing was sent)",
                    name=var.name,
                )
            found[var.name] = convert(value)
        elif var.name in system:
            found[var.name] = system[var.name]
        elif var.default is not None:
            found[var.name] = convert(var.default)
        else:
            raise PromptVariableError(_missing(var, command), name=var.name)
        reason = unsendable(found[var.name])
        if reason:
            raise PromptVariableError(
                f"{where} fills {{{{{var.name}}}}}, but {reason} (nothing was sent)",
                name=var.name,
            )
    return _VARIABLE.sub(lambda m: found[m.group(1)], text)


def _missing(var: Variable, command: str | None) -> str:
    where = f"the saved prompt /{command}" if command else "the prompt"
    if var.name == "CLIPBOARD":
        how = "a kernel cannot read the browser's clipboard: set CLIPBOARD = '...' first"
    elif var.system:
        how = f"your profile has no value for it: set {var.name} = '...' first"
    else:
        how = f"define the variable first, e.g. {var.name} = '...'"
    return f"{where} needs {{{{{var.name}}}}}, which has no value: {how}"
