"""Use cases for a lost or seized laptop: backups and restores, the paper key (SLIP-39
shares), the panic wipe, and the reminder to back up (intake/safekeeping/ does the work).

The CLI (intake/cli/cmd_safekeeping.py) and the desktop app both call these. Rooms are
imported inside the functions (docs/performance.md, "Start-up").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crypto.kdf import Argon2Params
    from intake.safekeeping.backup import BackupResult, RestoreResult
    from intake.safekeeping.wipe import WipeReport
    from intake.vault import Vault

Progress = Callable[[int, int], None]

LAST_BACKUP_KEY = "app.last_backup"  # UTC time of the last backup, in the vault's settings
REMIND_EVERY_KEY = "app.backup_reminder_every"  # testimonies changed since; 0 = never remind
DEFAULT_REMIND_EVERY = 5
MAX_REMIND_EVERY = 1000


def backup_open_vault(vault: Vault, to: Path, progress: Progress | None = None) -> BackupResult:
    """Back up the open ``vault`` into a new folder in ``to`` and remember when."""
    from datetime import UTC, datetime

    from intake.safekeeping.backup import backup_open_vault as backup

    started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = backup(vault, to, progress)
    if not vault.read_only:
        vault.set_setting(LAST_BACKUP_KEY, started)
    return result


def backup_vault_folder(
    folder: Path, passphrase: str, to: Path, progress: Progress | None = None
) -> BackupResult:
    """Back up the vault in ``folder`` (it may be open in another process)."""
    from intake.safekeeping.backup import backup_vault_folder as backup

    return backup(folder, passphrase, to, progress)


def restore_backup(source: Path, target: Path, passphrase: str) -> RestoreResult:
    from intake.safekeeping.backup import restore_backup as restore

    return restore(source, target, passphrase)


def write_key_shares(
    folder: Path,
    passphrase: str,
    threshold: int,
    shares: int,
    output: Path,
    *,
    overwrite: bool = False,
) -> int:
    """Split the vault's data key into ``shares`` SLIP-39 shares (``threshold`` needed) and
    print them to the PDF ``output``, one page each; returns the page count."""
    from intake.safekeeping.paper_key import key_shares
    from intake.safekeeping.shares_pdf import write_shares_pdf
    from intake.vault import header

    words = key_shares(folder, passphrase, threshold, shares)
    vault_id = header.read_header(folder).vault_id
    return write_shares_pdf(output, words, threshold, vault_id, overwrite=overwrite)


def restore_with_shares(
    folder: Path, shares: Sequence[str], new_passphrase: str, *, kdf: Argon2Params | None = None
) -> None:
    """Open the vault in ``folder`` with M shares and set ``new_passphrase`` (checked)."""
    from intake.core.vaults import check_new_passphrase
    from intake.safekeeping.paper_key import restore_with_shares as restore

    check_new_passphrase(new_passphrase)
    restore(folder, shares, new_passphrase, kdf=kdf)


def share_from_image(path: Path) -> str:
    from intake.safekeeping.paper_key import share_from_image as scan

    return scan(path)


def wipe_vault(folder: Path) -> WipeReport:
    from intake.safekeeping.wipe import wipe_vault as wipe

    return wipe(folder)


# ---- the reminder ---------------------------------------------------------------------------


def remind_every(vault: Vault) -> int:
    """After how many testimonies changed since the last backup the app reminds (0: never)."""
    raw = vault.get_setting(REMIND_EVERY_KEY)
    try:
        value = int(raw) if raw is not None else DEFAULT_REMIND_EVERY
    except ValueError:
        return DEFAULT_REMIND_EVERY
    return value if 0 <= value <= MAX_REMIND_EVERY else DEFAULT_REMIND_EVERY


def set_remind_every(vault: Vault, count: int) -> None:
    from intake.errors import InvalidInput
    from intake.i18n import tr

    if not 0 <= count <= MAX_REMIND_EVERY:
        raise InvalidInput(
            reason=tr("the backup reminder must be between 0 and {high}", high=MAX_REMIND_EVERY)
        )
    vault.set_setting(REMIND_EVERY_KEY, str(count))


def not_backed_up(vault: Vault) -> int:
    """Testimonies created or changed since the last backup (all of them before the first)."""
    since = vault.get_setting(LAST_BACKUP_KEY) or ""
    row = vault.conn.execute("SELECT count(*) FROM testimonies WHERE updated > ?", (since,))
    return int(row.fetchone()[0])


def backup_due(vault: Vault) -> bool:
    every = remind_every(vault)
    return every > 0 and not_backed_up(vault) >= every
