"""Reading what is still readable from a damaged ``vault.db``, page damage skipped.

SQLCipher authenticates every page with its HMAC and reports a bad page (or a page past the
end of a cut file) as an error on the read that touches it; the other pages still read. A
``SalvageReader`` reads a table in ``rowid`` order and, when a read fails, finds the next row
that can be read: first the next ``rowid`` alone (which touches only the table's b-tree, not a
row's overflow pages: if that works only the one row with a bad overflow page is lost), else
by probing ``rowid >= last + 2**k`` and bisecting back to the first position that reads again,
so only the rows on the bad pages are skipped. ``index_keys`` reads a primary-key index alone,
forwards and then backwards, so rows lost from a table can be named. After a failed read the
connection is replaced by a fresh one: SQLite keeps a pager error until its read transaction
ends, so later reads of good pages could fail too. Nothing here writes.
See docs/vault-format.md, "Rescue".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from intake.vault import db

MIN_ROWID = -(2**63)
MAX_ROWID = 2**63 - 1
_UNREADABLE = object()  # a probe hit a page that does not authenticate


def quoted(name: str) -> str:
    """An SQL identifier in double quotes (names come from the vault's own schema)."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class SalvageReader:
    """Reads tables of one (possibly damaged) connection; remembers where it met damage."""

    conn: db.Connection
    reopen: Callable[[], db.Connection]  # a fresh connection to the same database
    damaged: set[str] = field(default_factory=set)  # tables where a page could not be read
    lost_rows: dict[str, int] = field(default_factory=dict)  # rows seen but unreadable

    def recover(self) -> None:
        """Replace the connection after a failed read (its pager error would persist)."""
        self.conn.close()
        self.conn = self.reopen()

    def close(self) -> None:
        self.conn.close()

    def tables(self) -> list[str]:
        """Names of the ordinary tables, in creation order."""
        rows = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
        ).fetchall()
        return [str(r[0]) for r in rows]

    def columns(self, table: str) -> list[str]:
        return [str(r[1]) for r in self.conn.execute(f"PRAGMA table_info({quoted(table)})")]

    def rows(self, table: str, columns: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """``(rowid, *columns)`` of every row that can be read, in rowid order."""
        cols = ", ".join(quoted(c) for c in columns)
        stream = f"SELECT rowid, {cols} FROM {quoted(table)} WHERE rowid >= ? ORDER BY rowid"  # noqa: S608
        single = f"SELECT rowid, {cols} FROM {quoted(table)} WHERE rowid = ?"  # noqa: S608
        start: int | None = MIN_ROWID
        while start is not None:
            try:
                cursor = self.conn.execute(stream, (start,))
                while (row := cursor.fetchone()) is not None:
                    yield tuple(row)
                    if int(row[0]) == MAX_ROWID:
                        return
                    start = int(row[0]) + 1
                return
            except db.DatabaseError:
                self.damaged.add(table)
                self.recover()
            probe = self._next_rowid(table, start)
            if probe is _UNREADABLE:
                start = self._skip(table, start)
                continue
            if probe is None:
                return
            rowid = int(probe)  # type: ignore[call-overload]
            try:
                row = self.conn.execute(single, (rowid,)).fetchone()
            except db.DatabaseError:
                self.lost_rows[table] = self.lost_rows.get(table, 0) + 1
                self.recover()
                row = None
            if row is not None:
                yield tuple(row)
            start = None if rowid == MAX_ROWID else rowid + 1

    def _next_rowid(self, table: str, start: int) -> object:
        """The first rowid >= start, None at the end, or _UNREADABLE."""
        try:
            row = self.conn.execute(
                f"SELECT rowid FROM {quoted(table)} WHERE rowid >= ? ORDER BY rowid LIMIT 1",  # noqa: S608
                (start,),
            ).fetchone()
        except db.DatabaseError:
            self.recover()
            return _UNREADABLE
        return None if row is None else int(row[0])

    def _skip(self, table: str, start: int) -> int | None:
        """The first position after ``start`` (which does not read) from which the table
        reads again, or None when nothing after it does."""
        bad, step = start, 1
        while True:
            good = min(start + step, MAX_ROWID)
            if self._next_rowid(table, good) is not _UNREADABLE:
                break
            if good == MAX_ROWID:
                return None
            bad, step = good, step * 2
        while good - bad > 1:  # bad never reads, good does: bisect to the boundary
            middle = (bad + good) // 2
            if self._next_rowid(table, middle) is _UNREADABLE:
                bad = middle
            else:
                good = middle
        return good

    def key_index(self, table: str) -> tuple[str, list[str]] | None:
        """(index name, key columns) of the table's primary-key or first unique index."""
        indexes = [
            (str(r[1]), str(r[3])) for r in self.conn.execute(f"PRAGMA index_list({quoted(table)})")
        ]
        for origin in ("pk", "u"):
            for name, found in indexes:
                if found == origin:
                    info = self.conn.execute(f"PRAGMA index_info({quoted(name)})")
                    return name, [str(r[2]) for r in info]
        return None

    def index_keys(self, table: str) -> tuple[set[tuple[Any, ...]], bool] | None:
        """Every key of the table's key index that can be read (the index alone, not the
        table), and whether all of it could; None when the table has no such index."""
        found = self.key_index(table)
        if found is None:
            return None
        index, columns = found
        cols = ", ".join(quoted(c) for c in columns)
        keys: set[tuple[Any, ...]] = set()
        complete = True
        for order in ("ASC", "DESC"):
            direction = ", ".join(f"{quoted(c)} {order}" for c in columns)
            try:
                for row in self.conn.execute(
                    f"SELECT {cols} FROM {quoted(table)} INDEXED BY {quoted(index)}"  # noqa: S608
                    f" ORDER BY {direction}"
                ):
                    keys.add(tuple(row))
                return keys, complete
            except db.DatabaseError:
                complete = False  # read the rest from the other end
                self.recover()
        return keys, complete
