"""Forgetting decrypted content held in process-wide caches when a vault is locked.

Name matching and duplicate detection memoise transliteration results of names read from the
vault. Those caches outlive a vault session unless cleared; ``forget_cached_content`` empties
every such cache and is called by ``Vault.close``. (Python cannot wipe freed memory; this
drops the references so the memory can be reused. See SECURITY.md.)
"""

from __future__ import annotations


def forget_cached_content() -> None:
    """Clear every cache that may hold names or other content read from a vault."""
    from intake import duplicate_features, names

    for cached in (
        names._keys_of,
        duplicate_features.skeleton,
        duplicate_features._places,
        duplicate_features._tokens,
        duplicate_features._shared_tuple,
        duplicate_features._shared_set,
    ):
        cached.cache_clear()
