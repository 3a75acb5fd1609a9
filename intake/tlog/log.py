"""The append-only transparency log stored in the vault (docs/transparency-log.md §4-§6).

Functions taking ``conn`` run inside the caller's open transaction (the importer and the
finalize call ``record_version`` in theirs); ``TransparencyLog`` is the service the core hands
out, opening its own transactions. Leaves are never changed or removed (triggers refuse it);
the nodes of complete aligned subtrees are written as appends complete them, so a proof reads
O(log² n) stored hashes whatever the log's size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from crypto.keys import generate_signing_key, signing_public_key
from crypto.signing import KEY_SIZE
from intake.tlog import merkle
from intake.tlog.errors import BadTreeSize, LogDamaged, LogVerificationFailed, NotInLog
from intake.tlog.note import Checkpoint, Verifier, open_checkpoint, sign_checkpoint, verifier_for
from intake.vault import Vault
from intake.vault.errors import VaultReadOnly

LEAF_CONTEXT = b"amanat tlog leaf v1\n"  # 20 bytes: these 84 bytes are a leaf of this log
ORIGIN_PREFIX = "amanat.log/"


def leaf_data(version_hash: str, author: bytes) -> bytes:
    """The leaf of a version: context || version hash (raw) || author's Ed25519 key."""
    raw = bytes.fromhex(version_hash)
    if len(raw) != merkle.HASH_SIZE or len(author) != KEY_SIZE:
        raise ValueError("a leaf holds a 32-byte hash and a 32-byte key")
    return LEAF_CONTEXT + raw + author


def origin_for(public: bytes) -> str:
    """The log's origin and key name: derived from its key, so two logs never share one."""
    return ORIGIN_PREFIX + hashlib.sha256(public).hexdigest()[:16]


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- storage, inside the caller's transaction ---------------------------------------------


def size(conn: Any) -> int:
    return int(conn.execute("SELECT coalesce(max(idx) + 1, 0) FROM tlog_leaves").fetchone()[0])


def record_version(conn: Any, version_hash: str, author: bytes, now: str) -> int | None:
    """Log a final version (after the backfill, if still due); its leaf index, or None when it
    was logged already."""
    ensure_backfilled(conn, now)
    return _append_once(conn, version_hash, author, now)


def ensure_backfilled(conn: Any, now: str, *, writable: bool = True) -> int:
    """Log the final versions stored before the log existed, in the documented order
    (finalized time, testimony id, version number); how many were appended."""
    state = conn.execute("SELECT backfilled FROM tlog_state WHERE id = 1").fetchone()
    if state is not None and int(state[0]) == 1:
        return 0
    if not writable:
        raise VaultReadOnly
    rows = conn.execute(
        "SELECT hash, author FROM testimony_versions WHERE status = 'final'"
        " ORDER BY finalized, testimony_id, version_no"
    ).fetchall()
    added = sum(_append_once(conn, row[0], bytes(row[1]), now) is not None for row in rows)
    conn.execute("INSERT OR REPLACE INTO tlog_state (id, backfilled) VALUES (1, 1)")
    return added


def _append_once(conn: Any, version_hash: str, author: bytes, now: str) -> int | None:
    known = conn.execute(
        "SELECT 1 FROM tlog_leaves WHERE version_hash = ?", (version_hash,)
    ).fetchone()
    if known is not None:
        return None
    index = size(conn)
    leaf = merkle.leaf_hash(leaf_data(version_hash, author))
    conn.execute(
        "INSERT INTO tlog_leaves (idx, leaf_hash, version_hash, author, added)"
        " VALUES (?, ?, ?, ?, ?)",
        (index, leaf, version_hash, author, now),
    )
    count, level = index + 1, 1
    while count % (1 << level) == 0:  # every subtree this leaf completes, bottom up
        i = (count >> level) - 1
        joined = merkle.node_hash(_node(conn, level - 1, 2 * i), _node(conn, level - 1, 2 * i + 1))
        conn.execute(
            "INSERT INTO tlog_nodes (level, idx, hash) VALUES (?, ?, ?)", (level, i, joined)
        )
        level += 1
    return index


def _node(conn: Any, level: int, index: int) -> bytes:
    if level == 0:
        row = conn.execute("SELECT leaf_hash FROM tlog_leaves WHERE idx = ?", (index,)).fetchone()
    else:
        row = conn.execute(
            "SELECT hash FROM tlog_nodes WHERE level = ? AND idx = ?", (level, index)
        ).fetchone()
    if row is None:
        raise LogDamaged(index=index << level)
    return bytes(row[0])


def subtree_reader(conn: Any) -> merkle.Subtree:
    """``subtree(lo, hi)`` over the stored leaves and nodes."""

    def subtree(lo: int, hi: int) -> bytes:
        width = hi - lo
        if width & (width - 1) == 0 and lo % width == 0:  # complete and aligned: stored
            return _node(conn, width.bit_length() - 1, lo // width)
        k = merkle.split_point(width)
        return merkle.node_hash(subtree(lo, lo + k), subtree(lo + k, hi))

    return subtree


def root(conn: Any, tree_size: int) -> bytes:
    return merkle.empty_root() if tree_size == 0 else subtree_reader(conn)(0, tree_size)


def log_key(conn: Any, now: str, *, writable: bool = True) -> bytes:
    """The log's Ed25519 seed, made at random the first time the log signs."""
    row = conn.execute("SELECT seed FROM tlog_key WHERE id = 1").fetchone()
    if row is not None:
        return bytes(row[0])
    if not writable:
        raise VaultReadOnly
    seed = generate_signing_key()
    conn.execute(
        "INSERT INTO tlog_key (id, seed, public, created) VALUES (1, ?, ?, ?)",
        (seed, signing_public_key(seed), now),
    )
    return seed


def signed_checkpoint(conn: Any, now: str, *, writable: bool = True) -> str:
    """The signed checkpoint of the log's current size (signed once per size, then kept)."""
    ensure_backfilled(conn, now, writable=writable)
    tree_size = size(conn)
    row = conn.execute("SELECT note FROM tlog_checkpoints WHERE size = ?", (tree_size,)).fetchone()
    if row is not None:
        return str(row[0])
    if not writable:
        raise VaultReadOnly
    # tlog-checkpoint: never sign a tree that does not extend the last one signed. Old and new
    # root come from the same stored hashes, so the old root recomputed is that check.
    last = conn.execute(
        "SELECT size, root FROM tlog_checkpoints WHERE size < ? ORDER BY size DESC LIMIT 1",
        (tree_size,),
    ).fetchone()
    if last is not None and root(conn, int(last[0])) != bytes(last[1]):
        raise LogDamaged(index=int(last[0]))
    seed = log_key(conn, now)
    head = root(conn, tree_size)
    note = sign_checkpoint(Checkpoint(origin_for(signing_public_key(seed)), tree_size, head), seed)
    conn.execute(
        "INSERT INTO tlog_checkpoints (size, root, note, signed) VALUES (?, ?, ?, ?)",
        (tree_size, head, note, now),
    )
    return note


# ---- the service ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InclusionProof:
    testimony_id: str
    version: int
    version_hash: str
    author: bytes
    index: int
    size: int
    leaf_hash: bytes
    proof: tuple[bytes, ...]
    checkpoint: str


@dataclass(frozen=True)
class ConsistencyProof:
    old: int
    new: int
    old_root: bytes
    new_root: bytes
    proof: tuple[bytes, ...]
    checkpoint: str | None  # the signed checkpoint of ``new``, when it was ever signed


class TransparencyLog:
    """The log of an open vault, for the core: checkpoints, key, proofs and the full check."""

    def __init__(self, vault: Vault, clock: Callable[[], str] = _now) -> None:
        self.vault = vault
        self._clock = clock

    @contextmanager
    def _session(self) -> Iterator[Any]:
        """A transaction; on a read-only vault its plain connection (what the log would still
        have to write then raises VaultReadOnly: backfill, first key, a new checkpoint)."""
        if self.vault.read_only:
            yield self.vault.conn
        else:
            with self.vault.transaction() as conn:
                yield conn

    @property
    def _writable(self) -> bool:
        return not self.vault.read_only

    def checkpoint(self) -> str:
        with self._session() as conn:
            return signed_checkpoint(conn, self._clock(), writable=self._writable)

    def verifier(self) -> Verifier:
        with self._session() as conn:
            seed = log_key(conn, self._clock(), writable=self._writable)
        public = signing_public_key(seed)
        return verifier_for(origin_for(public), public)

    def size(self) -> int:
        with self._session() as conn:
            ensure_backfilled(conn, self._clock(), writable=self._writable)
            return size(conn)

    def prove(self, testimony_id: str, version: int | None = None) -> InclusionProof:
        """The inclusion proof of a final version (the newest final one when ``version`` is
        None) to the latest checkpoint; NotInLog if it is not logged."""
        with self._session() as conn:
            note = signed_checkpoint(conn, self._clock(), writable=self._writable)
            query = (
                "SELECT v.version_no, v.hash, l.idx, l.author, l.leaf_hash"
                " FROM testimony_versions v JOIN tlog_leaves l ON l.version_hash = v.hash"
                " WHERE v.testimony_id = ? AND v.status = 'final'"
            )
            args: tuple[Any, ...] = (testimony_id,)
            if version is not None:
                query += " AND v.version_no = ?"
                args = (testimony_id, version)
            row = conn.execute(query + " ORDER BY v.version_no DESC LIMIT 1", args).fetchone()
            if row is None:
                raise NotInLog(id=testimony_id, version=version if version else "-")
            tree_size = size(conn)
            path = merkle.inclusion_proof(int(row[2]), tree_size, subtree_reader(conn))
        return InclusionProof(
            testimony_id,
            int(row[0]),
            str(row[1]),
            bytes(row[3]),
            int(row[2]),
            tree_size,
            bytes(row[4]),
            tuple(path),
            note,
        )

    def consistency(self, old: int, new: int) -> ConsistencyProof:
        with self._session() as conn:
            ensure_backfilled(conn, self._clock(), writable=self._writable)
            current = size(conn)
            if not 0 <= old <= new <= current:
                raise BadTreeSize(size=current)
            reader = subtree_reader(conn)
            path = merkle.consistency_proof(old, new, reader)
            row = conn.execute(
                "SELECT note FROM tlog_checkpoints WHERE size = ?", (new,)
            ).fetchone()
            return ConsistencyProof(
                old, new, root(conn, old), root(conn, new), tuple(path), row[0] if row else None
            )

    def verify(self) -> int:
        """Recompute the whole log: every final version logged once with the right leaf, every
        stored node, every kept checkpoint; the number of leaves. LogDamaged on a mismatch."""
        with self._session() as conn:
            ensure_backfilled(conn, self._clock(), writable=self._writable)
            return verify_stored(conn)


def verify_stored(conn: Any) -> int:
    """The full check of ``TransparencyLog.verify`` inside the caller's transaction."""
    versions = {
        str(r[0]): bytes(r[1])
        for r in conn.execute("SELECT hash, author FROM testimony_versions WHERE status = 'final'")
    }
    leaves: list[bytes] = []
    for index, (idx, leaf, version_hash, author) in enumerate(
        conn.execute("SELECT idx, leaf_hash, version_hash, author FROM tlog_leaves ORDER BY idx")
    ):
        expected = versions.pop(str(version_hash), None)
        if int(idx) != index or expected is None or expected != bytes(author):
            raise LogDamaged(index=index)
        if merkle.leaf_hash(leaf_data(str(version_hash), expected)) != bytes(leaf):
            raise LogDamaged(index=index)
        leaves.append(bytes(leaf))
    if versions:  # a final version that was never logged
        raise LogDamaged(index=len(leaves))
    level, below = 1, leaves
    stored = {
        (int(r[0]), int(r[1])): bytes(r[2])
        for r in conn.execute("SELECT level, idx, hash FROM tlog_nodes")
    }
    while len(below) >= 2:
        above = [merkle.node_hash(below[2 * i], below[2 * i + 1]) for i in range(len(below) // 2)]
        for i, value in enumerate(above):
            if stored.pop((level, i), None) != value:
                raise LogDamaged(index=i << level)
        level, below = level + 1, above
    if stored:
        raise LogDamaged(index=min(i << lv for lv, i in stored))
    key = conn.execute("SELECT public FROM tlog_key WHERE id = 1").fetchone()
    memory = merkle.subtree_of(leaves)
    for tree_size, head, note in conn.execute("SELECT size, root, note FROM tlog_checkpoints"):
        if key is None:  # checkpoints without the key that signed them
            raise LogDamaged(index=int(tree_size))
        public = bytes(key[0])
        try:
            checkpoint = open_checkpoint(str(note), verifier_for(origin_for(public), public))
        except LogVerificationFailed:
            raise LogDamaged(index=int(tree_size)) from None
        computed = merkle.empty_root() if tree_size == 0 else memory(0, int(tree_size))
        if checkpoint.size != int(tree_size) or not checkpoint.root == bytes(head) == computed:
            raise LogDamaged(index=int(tree_size))
    return len(leaves)
