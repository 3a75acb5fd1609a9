"""Who a testimony belongs to: the key that signed its version 1 (docs/testimony-format.md §5),
and which keys may continue it: that key, and the keys that succeed it through accepted key
statements (docs/bundle-format.md §8; table ``key_successions``).

Both the store (a local edit of someone else's testimony is refused) and the exchange with
bundles (another key's version is refused) ask here.
"""

from __future__ import annotations

from typing import Any


def owner_of(conn: Any, testimony_id: str) -> bytes | None:
    """The key a testimony belongs to: the author of the lowest version held (version 1,
    except in a vault an older Amanat filled out of order); None when none is held."""
    row = conn.execute(
        "SELECT author FROM testimony_versions WHERE testimony_id = ? ORDER BY version_no LIMIT 1",
        (testimony_id,),
    ).fetchone()
    return None if row is None else bytes(row[0])


MAX_CHAIN = 64  # successions of one key: far more than a volunteer's lifetime of new laptops


def successors(conn: Any, key: bytes) -> list[bytes]:
    """The keys that continue ``key``, nearest first (a loop ends the chain)."""
    chain: list[bytes] = []
    current = key
    while len(chain) < MAX_CHAIN:
        row = conn.execute(
            "SELECT new_key FROM key_successions WHERE old_key = ?", (current,)
        ).fetchone()
        if row is None:
            break
        current = bytes(row[0])
        if current == key or current in chain:
            break
        chain.append(current)
    return chain


def may_continue(conn: Any, owner: bytes, author: bytes) -> bool:
    """True when ``author`` may add versions to a testimony that belongs to ``owner``: the
    owner itself, or a key that succeeds it."""
    return author == owner or author in successors(conn, owner)
