# Generated from owui_notebook/client/_async/resources/prompts.py by scripts/unasync.py.
# Do not edit: change the async source and run `python scripts/unasync.py`.
"""Saved prompts: ``/api/v1/prompts``.

Two APIs hide behind one interface. Up to 0.8 a prompt is keyed by its command, stored with
a leading slash (``/summarize``), titled ``title`` and shared through ``access_control``;
0.9+ give it an id, store the command bare, call the title ``name`` and share through
``access_grants``. Commands here never carry the slash (one is accepted and dropped).
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from ..._suggest import suggest
from ...access import Access
from ...errors import (
    ConfigurationError,
    NotFoundError,
    OpenWebUIError,
    PermissionDeniedError,
    PromptBatchError,
)
from ...prompt_template import expand
from ...types import Prompt
from .._resource import Resource
from ._access import resolve_access, uses_grants
from ._permission import permitted

_BASE = "/api/v1/prompts"
_COMMAND = re.compile(r"^[A-Za-z0-9][\w.-]*$")


def command_of(command: str) -> str:
    """``"/summarize"`` or ``"summarize"`` -> ``"summarize"``; anything else is refused."""
    bare = (command or "").strip().lstrip("/")
    if not _COMMAND.match(bare):
        raise ConfigurationError(
            f"{command!r} is not a prompt command: use letters, digits, '-', '_' or '.', "
            "e.g. 'summarize' (typed as /summarize)"
        )
    return bare


class Prompts(Resource):
    """``client.prompts``: list, search, get by command, create, update, delete, expand."""

    _keyed_by_command: bool | None = None

    def _legacy(self) -> bool:
        """Whether this server keys prompts by command (up to 0.8): its ``/list`` is a bare list,
        0.9+ answer a page ``{"items", "total"}``. Asked once per client."""
        if self._keyed_by_command is None:
            body = self._get(f"{_BASE}/list")
            self._keyed_by_command = isinstance(body, list)
        return self._keyed_by_command

    # -- reading ------------------------------------------------------------------------------

    def list(self) -> builtins.list[Prompt]:
        """Every saved prompt this user may use."""
        return [Prompt.from_server(r) for r in self._get_list(f"{_BASE}/") if r]

    def get(self, command: str) -> Prompt:
        """The prompt typed as ``/command``; `NotFoundError` names the closest commands."""
        bare = command_of(command)
        prompts = self.list()
        for prompt in prompts:
            if prompt.command == bare:
                return prompt
        hint = suggest(bare, [p.command for p in prompts], none=" (you have none)")
        raise NotFoundError(
            f"no saved prompt /{bare} on this server{hint}",
            method="GET",
            path=f"{_BASE}/",
            status_code=404,
        )

    def search(self, text: str) -> builtins.list[Prompt]:
        """Prompts whose command, name or content contains `text` (case-insensitive).

        0.9+ search on the server (which also matches the author's name); older releases
        here, over the full list.
        """
        if self._legacy():
            needle = text.casefold()
            return [
                p
                for p in self.list()
                if needle in f"{p.command}\n{p.name or ''}\n{p.content}".casefold()
            ]
        rows = self._all_pages(f"{_BASE}/list", query=text)
        return [Prompt.from_server(r) for r in rows]

    def expand(
        self,
        command: str,
        values: Mapping[str, Any] | None = None,
        *,
        rest: str = "",
        convert: Callable[[Any], str] = str,
    ) -> str:
        """The text ``/command`` stands for, its ``{{variables}}`` filled (see
        `owui_notebook.client.prompt_template`; `convert` turns a value into text); `rest`
        follows it, as text typed after the command in the web UI does."""
        prompt = self.get(command)
        user = self._client.me()
        text = expand(prompt.content, values, user=user, convert=convert, command=prompt.command)
        return text + rest

    # -- writing ------------------------------------------------------------------------------

    def _form(
        self,
        legacy: bool,
        command: str,
        content: str,
        name: str | None,
        tags: builtins.list[str] | None,
        access: Access | None,
    ) -> dict[str, Any]:
        if legacy:
            form: dict[str, Any] = {"command": f"/{command}", "title": name or command}
            if access is not None:
                form["access_control"] = access.access_control()
        else:
            form = {"command": command, "name": name or command, "tags": tags or []}
            if access is not None:
                form["access_grants"] = access.grants()
        form["content"] = content
        return form

    def create(
        self,
        command: str,
        content: str,
        *,
        name: str | None = None,
        tags: builtins.list[str] | None = None,
        access: Access | str = "private",
    ) -> Prompt:
        """Save a prompt typed as ``/command``; private to you unless `access` says otherwise.

        `tags` are kept by 0.9+ (older releases have none). A taken command is a
        `BadRequestError` from the server.
        """
        bare = command_of(command)
        resolved = resolve_access(self._client, access)
        form = self._form(self._legacy(), bare, content, name, tags, resolved)
        body = permitted(
            self._client, lambda: self._post(f"{_BASE}/create", form), "create prompts"
        )
        return Prompt.from_server(body)

    def update(
        self,
        command: str,
        *,
        content: str | None = None,
        name: str | None = None,
        tags: builtins.list[str] | None = None,
        new_command: str | None = None,
        access: Access | str | None = None,
    ) -> Prompt:
        """Change what is given; the rest stays as saved. `new_command` renames (0.9+).

        `access` is applied through the server's own access endpoint where it has one
        (0.9+: 0.12's update ignores access sent with the prompt)."""
        current = self.get(command)
        legacy = self._legacy()
        if new_command is not None and command_of(new_command) != current.command and legacy:
            raise ConfigurationError(
                "this server keys prompts by command, so a prompt cannot be renamed: "
                "create one under the new command and delete the old one"
            )
        new_access = resolve_access(self._client, access) if access is not None else None
        form = self._form(
            legacy,
            command_of(new_command) if new_command else current.command,
            current.content if content is None else content,
            current.name if name is None else name,
            current.tags if tags is None else tags,
            new_access or Access.from_record(current.model_dump()),
        )
        path = f"command/{current.command}" if legacy else f"id/{current.id}"
        body = permitted(
            self._client,
            lambda: self._post(f"{_BASE}/{path}/update", form),
            f"change /{current.command}",
        )
        if new_access is not None and isinstance(body, dict) and uses_grants(body):
            grants = {"access_grants": new_access.grants()}
            body = permitted(
                self._client,
                lambda: self._post(f"{_BASE}/{path}/access/update", grants),
                f"change who may use /{current.command}",
            )
        return Prompt.from_server(body)

    def delete(self, command: str) -> bool:
        """Delete the saved prompt `/command`."""
        prompt = self.get(command)
        return self._delete_prompt(prompt)

    def _delete_prompt(self, prompt: Prompt) -> bool:
        path = f"command/{prompt.command}" if self._legacy() else f"id/{prompt.id}"
        done = permitted(
            self._client,
            lambda: self._delete(f"{_BASE}/{path}/delete"),
            f"delete /{prompt.command}",
        )
        return bool(done)

    # -- in bulk ------------------------------------------------------------------------------

    def create_many(
        self,
        prompts: Mapping[str, str] | Iterable[Mapping[str, Any]],
        *,
        access: Access | str = "private",
        continue_on_error: bool = False,
    ) -> builtins.list[Prompt]:
        """Create several prompts: ``{"command": "content", ...}`` or dicts with the
        arguments of `create`. All or none by default: taken or repeated commands are
        refused before anything is saved, and a failure part-way deletes what this call
        created. With `continue_on_error` each prompt that can be saved is, and
        `PromptBatchError` lists those that could not (its ``created`` holds the rest)."""
        items: list[dict[str, Any]]  # arguments of `create`, not only strings
        if isinstance(prompts, Mapping):
            items = [{"command": c, "content": t} for c, t in prompts.items()]
        else:
            items = [dict(p) for p in prompts]
        if continue_on_error:
            return self._create_each(items, access)
        commands = [command_of(p.get("command", "")) for p in items]
        repeated = sorted({c for c in commands if commands.count(c) > 1})
        if repeated:
            raise ConfigurationError(
                "each command may appear once: " + ", ".join(f"/{c}" for c in repeated)
            )
        taken = sorted(set(commands) & {p.command for p in self.list()})
        if taken:
            raise ConfigurationError(
                "these commands are taken already, nothing was created: "
                + ", ".join(f"/{c}" for c in taken)
            )
        created: list[Prompt] = []
        try:
            for item in items:
                item.setdefault("access", access)
                created.append(self.create(**item))
        except BaseException:
            for prompt in created:
                self._delete_prompt(prompt)
            raise
        return created

    def _create_each(
        self, items: builtins.list[dict[str, Any]], access: Access | str
    ) -> builtins.list[Prompt]:
        created: list[Prompt] = []
        failed: dict[str, str] = {}
        taken = {p.command for p in self.list()}
        for item in items:
            label = str(item.get("command", ""))
            try:
                bare = command_of(label)
                if bare in taken:
                    raise ConfigurationError(f"/{bare} is taken already")
                item.setdefault("access", access)
                created.append(self.create(**item))
                taken.add(bare)
            except OpenWebUIError as exc:
                failed[label] = str(exc)
        if failed:
            raise PromptBatchError(created, failed)
        return created

    def delete_many(self, commands: Iterable[str]) -> int:
        """Delete several prompts; all or none: each must exist and be yours to change (or
        you an admin), which is checked before any is deleted. Returns how many."""
        wanted = [command_of(c) for c in commands]
        # 0.9+ listings say whether each prompt is writable by this user; older ones do not.
        listed = self.list() if self._legacy() else self.search("")
        by_command = {p.command: p for p in listed}
        missing = [c for c in wanted if c not in by_command]
        if missing:
            raise NotFoundError(
                "no saved prompt " + ", ".join(f"/{c}" for c in missing) + "; nothing was deleted",
                method="GET",
                path=f"{_BASE}/",
                status_code=404,
            )
        me = self._client.me()
        locked = [
            c
            for c in wanted
            if me.role != "admin"
            and by_command[c].user_id != me.id
            and by_command[c].write_access is not True
        ]
        if locked:
            raise PermissionDeniedError(
                "you may not delete " + ", ".join(f"/{c}" for c in locked) + " (not yours, "
                "and you are no admin); nothing was deleted",
                method="DELETE",
                path=f"{_BASE}/",
                status_code=403,
            )
        for command in dict.fromkeys(wanted):
            self._delete_prompt(by_command[command])
        return len(set(wanted))
