"""Who a testimony belongs to: the key that signed its version 1 (docs/testimony-format.md §5).

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
