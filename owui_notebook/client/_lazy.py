"""`LazyGroup`: a resource group (``client.chats``, ...) made the first time it is touched.

A client has 17 groups; making them all in ``__init__`` imported every group's module, and
through them pydantic and every typed model, before a script sent its first request. A group
is now imported and made on first access, then kept in the instance's ``__dict__`` (a
non-data descriptor, like `functools.cached_property`), so later reads are plain attribute
reads and a test may still assign ``client.models = ...``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

G = TypeVar("G")


class LazyGroup(Generic[G]):
    """``chats: LazyGroup[AsyncChats] = LazyGroup(".resources.chats:AsyncChats")``.

    The target is ``module:Class``, the module relative to the owning class's package; the
    class is called with the client. The annotation gives type checkers and editors the
    group's type, so ``client.chats.`` completes as with a plain attribute.
    """

    def __init__(self, target: str) -> None:
        module, _, name = target.partition(":")
        if not module or not name:
            raise ValueError(f"LazyGroup target {target!r}: expected 'module:Class'")
        self.module = module
        self.class_name = name
        self.attr = ""
        self.package = ""

    def __set_name__(self, owner: type, attr: str) -> None:
        self.attr = attr
        self.package = owner.__module__.rpartition(".")[0]

    def load(self) -> Callable[[Any], G]:
        """The group's class (importing its module); called with the client it makes the group."""
        cls: Callable[[Any], G] = getattr(
            importlib.import_module(self.module, self.package), self.class_name
        )
        return cls

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> LazyGroup[G]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> G: ...
    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        # Two threads touching a group at once may each make one: one is kept, and groups
        # hold nothing but small caches (the client's _http is shared), so none is lost.
        return obj.__dict__.setdefault(self.attr, self.load()(obj))

    def __repr__(self) -> str:
        return f"<LazyGroup {self.attr}: {self.module}:{self.class_name}>"
