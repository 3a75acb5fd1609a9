"""How much free disk an import needs, estimated from the signed manifest before anything is
written, and the refusal that says so in numbers.

Measured on real vaults (docs/performance.md): an import grows the vault by about 2.5 bytes per
byte of records (the version, its search rows, its duplicate-finder rows) and about 1.2 bytes
per byte of attachments, plus a few hundred KiB of pages that any import touches. A transaction
in the write-ahead log needs that twice at its peak (the log, then the database it is copied
into); a bulk transaction (vault-format.md) writes the pages once. The estimate is a floor for
refusing at once with a clear message: a disk that fills up anyway during the import ends in
``StorageFull`` all the same, with the transaction rolled back and nothing lost.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from intake.bundles.errors import NotEnoughSpace
from intake.bundles.manifest import Manifest
from intake.i18n import format_size

RECORD_GROWTH = 3  # vault bytes per record byte (2.5 measured with 200 records)
ATTACHMENT_GROWTH = 5 / 4  # vault bytes per attachment byte (1.18 measured)
TOUCHED = 2 << 20  # pages any import writes (0.4 MiB measured), with room to spare


def import_needs(manifest: Manifest, *, bulk: bool) -> int:
    """Free bytes an import of ``manifest``'s bundle needs at its peak."""
    records = sum(entry.size for entry in manifest.records)
    attachments = sum(entry.size for entry in manifest.attachments)
    growth = RECORD_GROWTH * records + int(ATTACHMENT_GROWTH * attachments) + TOUCHED
    return growth if bulk else 2 * growth


def copy_needs(size: int, *, bulk: bool) -> int:
    """Free bytes needed to keep a copy of a ``size``-byte file in the vault (quarantine)."""
    growth = int(ATTACHMENT_GROWTH * size) + TOUCHED
    return growth if bulk else 2 * growth


def require_space(folder: Path, needed: int) -> None:
    """Refuse with ``NotEnoughSpace`` unless the disk holding ``folder`` has ``needed`` bytes."""
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise NotEnoughSpace(needed=format_size(needed), free=format_size(free))
