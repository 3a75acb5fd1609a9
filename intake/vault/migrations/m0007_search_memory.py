"""Schema version 7: the search index gathers more in memory before writing to disk.

FTS5 collects new index entries in an in-memory table and writes them to the database as a new
segment whenever it exceeds ``hashsize`` bytes (1 MiB by default), merging segments as they
pile up. Importing thousands of testimonies in one transaction then spends a third of its time
in the search index. 16 MiB means fewer, larger segments and less merging; the memory is used
only while a transaction writes to the index. The setting is stored in the index's own
configuration table, so it applies to every later connection.
"""

from __future__ import annotations

from typing import Any

VERSION = 7
SEARCH_HASH_SIZE = 16 << 20


def upgrade(conn: Any) -> None:
    conn.execute(
        "INSERT INTO testimony_search (testimony_search, rank) VALUES ('hashsize', ?)",
        (SEARCH_HASH_SIZE,),
    )
