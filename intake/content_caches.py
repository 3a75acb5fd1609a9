"""Process-wide caches that may hold content read from a vault, forgotten when a vault closes.

Name matching and duplicate detection memoise transliteration results of names read from the
vault. Such a cache registers itself here when its module is imported (``remember``), and
``forget_all`` (called by ``Vault.close``) empties every registered cache: the vault does not
need to know who keeps one. (Python cannot wipe freed memory; this drops the references so the
memory can be reused. See SECURITY.md.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, TypeVar


class _Clearable(Protocol):
    def cache_clear(self) -> None: ...


C = TypeVar("C", bound=_Clearable)
_clearers: list[Callable[[], None]] = []


def remember(cached: C) -> C:
    """Register ``cached`` (an ``lru_cache``-wrapped function) to be emptied by ``forget_all``;
    returns it, so it can be used as the outermost decorator."""
    _clearers.append(cached.cache_clear)
    return cached


def forget_all() -> None:
    """Empty every registered cache."""
    for clear in _clearers:
        clear()
