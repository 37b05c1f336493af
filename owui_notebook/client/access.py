"""Who may read or change a model, prompt or note: one description for every server release.

Up to 0.8, Open WebUI stores ``access_control``: ``None`` is public, ``{}`` private, else
``{"read": {"group_ids", "user_ids"}, "write": {...}}``. Later releases store a list of
``access_grants`` (``{"principal_type": "user"|"group", "principal_id", "permission"}``, with
``user:*`` read meaning public). `Access` converts to and from both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigurationError


@dataclass(frozen=True)
class Access:
    """Public (every user may read) or not, plus the groups and users who may read or write.

    ``Access.of("public")``, ``Access.private()``, ``Access.to(groups=[...], users=[...])``.
    The owner and admins always have access.
    """

    public: bool = False
    read_groups: tuple[str, ...] = field(default=())
    read_users: tuple[str, ...] = field(default=())
    write_groups: tuple[str, ...] = field(default=())
    write_users: tuple[str, ...] = field(default=())

    @classmethod
    def private(cls) -> Access:
        """Only the owner (and admins) may use it."""
        return cls()

    @classmethod
    def to(
        cls,
        *,
        groups: Iterable[str] = (),
        users: Iterable[str] = (),
        write: bool = False,
        public: bool = False,
    ) -> Access:
        """Read access for these groups and users (and write access too with `write`).

        Groups may be named by id or by name: the client resolves names on the server
        before anything is sent (an unknown name is a `ConfigurationError`)."""
        groups, users = tuple(dict.fromkeys(groups)), tuple(dict.fromkeys(users))
        return cls(
            public=public,
            read_groups=groups,
            read_users=users,
            write_groups=groups if write else (),
            write_users=users if write else (),
        )

    @classmethod
    def of(cls, value: Access | str) -> Access:
        """An `Access` from itself, ``"public"`` or ``"private"``."""
        if isinstance(value, Access):
            return value
        if value == "public":
            return cls(public=True)
        if value == "private":
            return cls()
        raise ConfigurationError(
            f"access must be 'public', 'private' or an Access(...), not {value!r}"
        )

    @property
    def kind(self) -> str:
        """``public``, ``private`` or ``shared`` (some groups or users)."""
        if self.public:
            return "public"
        shared = self.read_groups or self.read_users or self.write_groups or self.write_users
        return "shared" if shared else "private"

    # -- the two server forms -----------------------------------------------------------------

    def grants(self) -> list[dict[str, str]]:
        """The ``access_grants`` list (0.9+)."""
        out = []
        if self.public:
            out.append({"principal_type": "user", "principal_id": "*", "permission": "read"})
        for permission, groups, users in (
            ("read", self.read_groups, self.read_users),
            ("write", self.write_groups, self.write_users),
        ):
            out += [
                {"principal_type": "group", "principal_id": g, "permission": permission}
                for g in groups
            ]
            out += [
                {"principal_type": "user", "principal_id": u, "permission": permission}
                for u in users
            ]
        return out

    def form(self) -> dict[str, Any]:
        """Both spellings for a create or update form: each release reads its own and
        ignores the other."""
        return {"access_control": self.access_control(), "access_grants": self.grants()}

    def access_control(self) -> dict[str, Any] | None:
        """The ``access_control`` dict (up to 0.8): ``None`` means public."""
        if self.public:
            return None
        return {
            "read": {"group_ids": list(self.read_groups), "user_ids": list(self.read_users)},
            "write": {"group_ids": list(self.write_groups), "user_ids": list(self.write_users)},
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None) -> Access | None:
        """The access a stored record (model, prompt, note) grants; ``None`` if it says none."""
        if not record:
            return None
        if "access_grants" in record:
            return cls._from_grants(record.get("access_grants") or [])
        if "access_control" in record:
            return cls._from_control(record.get("access_control"))
        return None

    @classmethod
    def _from_grants(cls, grants: Iterable[Any]) -> Access:
        public = False
        sets: dict[tuple[str, str], list[str]] = {}
        for grant in grants:
            if not isinstance(grant, Mapping):
                continue
            kind, who = grant.get("principal_type"), grant.get("principal_id")
            permission = grant.get("permission") or "read"
            if kind == "user" and who == "*":
                public = public or permission == "read"
                continue
            if kind in ("user", "group") and who:
                sets.setdefault((permission, kind), []).append(str(who))
        return cls(
            public=public,
            read_groups=tuple(sets.get(("read", "group"), ())),
            read_users=tuple(sets.get(("read", "user"), ())),
            write_groups=tuple(sets.get(("write", "group"), ())),
            write_users=tuple(sets.get(("write", "user"), ())),
        )

    @classmethod
    def _from_control(cls, control: Any) -> Access:
        if control is None:
            return cls(public=True)
        control = control if isinstance(control, Mapping) else {}

        def ids(permission: str, key: str) -> tuple[str, ...]:
            part = control.get(permission)
            return tuple(part.get(key) or ()) if isinstance(part, Mapping) else ()

        return cls(
            read_groups=ids("read", "group_ids"),
            read_users=ids("read", "user_ids"),
            write_groups=ids("write", "group_ids"),
            write_users=ids("write", "user_ids"),
        )
