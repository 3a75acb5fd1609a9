"""The paper key backup: the vault's data key split into SLIP-39 shares, M of N.

SLIP-39 (Trezor's standard for Shamir's secret sharing as words; implemented by the
``shamir-mnemonic`` package, checked against its published vectors in tests/vectors/slip39)
splits the 32-byte data key into N shares of 33 words, any M of which give the key back and
fewer than M of which say nothing about it. One group, member threshold M; no SLIP-39
passphrase (it would be one more thing to forget); the "extendable" flag and iteration
exponent 1 as the package's defaults. The key opens ``vault.db`` directly, so M shares and the
vault folder open the vault without its passphrase: ``restore_with_shares`` checks that the key
really opens this vault, then wraps it under a new passphrase (docs/vault-format.md, "Paper
key backup"). Shares carry no vault id; the printed page does, and a key from another vault's
shares is refused because it does not authenticate this database's pages.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from shamir_mnemonic import MnemonicError, Share, combine_mnemonics, generate_mnemonics
from shamir_mnemonic.wordlist import WORD_INDEX_MAP, WORDLIST

from intake.safekeeping.errors import (
    ShareCountInvalid,
    ShareDuplicate,
    ShareImageUnreadable,
    ShareInvalid,
    SharesMixed,
    SharesTooFew,
    SharesWrongVault,
)
from intake.vault import db, header
from intake.vault.errors import VaultDamaged, VaultNotFound
from intake.vault.lock import VaultLock

if TYPE_CHECKING:
    from crypto.kdf import Argon2Params

MIN_SHARES, MAX_SHARES = 2, 16  # SLIP-39 allows at most 16 members in a group
MIN_THRESHOLD = 2  # one share alone must never open the vault
MIN_SHARE_WORDS = 20  # SLIP-39's shortest share (128-bit secret)
MAX_SCAN_PIXELS = 50_000_000  # a 50-megapixel photo; more is refused before decoding
PREFIX_LEN = 4  # every SLIP-39 word is unique in its first four letters
_SEPARATORS = re.compile(r"[\s,;.]+")


def split_data_key(data_key: bytes, threshold: int, shares: int) -> list[str]:
    """N mnemonics (each 33 words for a 32-byte key), any ``threshold`` of which recover it."""
    if not (MIN_SHARES <= shares <= MAX_SHARES and MIN_THRESHOLD <= threshold <= shares):
        raise ShareCountInvalid
    (group,) = generate_mnemonics(1, [(threshold, shares)], data_key, b"", extendable=True)
    return list(group)


def key_shares(folder: Path, passphrase: str, threshold: int, shares: int) -> list[str]:
    """Shares of the data key of the vault in ``folder``; the passphrase is asked again on
    purpose (printing the shares is printing the key)."""
    if not (folder / header.HEADER_NAME).is_file():
        raise VaultNotFound(path=str(folder))
    data_key = header.unwrap(header.read_header(folder), passphrase)
    return split_data_key(data_key, threshold, shares)


def normalize_share(text: str) -> str:
    """A typed share as SLIP-39 words: lower case, any spacing or punctuation between words,
    and each word recognised by its first four letters (as printed on the paper)."""
    words = [w for w in _SEPARATORS.split(text.strip().lower()) if w]
    full: list[str] = []
    for word in words:
        if word in WORD_INDEX_MAP or len(word) < PREFIX_LEN:
            full.append(word)
            continue
        matches = [w for w in WORDLIST if w.startswith(word[:PREFIX_LEN])]
        full.append(matches[0] if len(matches) == 1 else word)
    return " ".join(full)


def recover_data_key(mnemonics: Sequence[str]) -> bytes:
    """The key from at least M shares of one set; typed errors name the share at fault."""
    parsed: list[Share] = []
    for number, text in enumerate(mnemonics, start=1):
        words = normalize_share(text)
        try:
            share = Share.from_mnemonic(words)
        except (MnemonicError, KeyError, ValueError):
            raise ShareInvalid(number=number) from None
        for other in parsed:
            if other.common_parameters() != share.common_parameters():
                raise SharesMixed
            if other.index == share.index:
                if other.value == share.value:
                    raise ShareDuplicate(number=number)
                raise SharesMixed
        parsed.append(share)
    if not parsed:
        raise SharesTooFew(needed=MIN_THRESHOLD, given=0)
    needed = parsed[0].member_threshold
    if len(parsed) < needed:
        raise SharesTooFew(needed=needed, given=len(parsed))
    try:
        return bytes(combine_mnemonics([p.mnemonic() for p in parsed[:needed]]))
    except MnemonicError:
        raise SharesMixed from None


def _opens(folder: Path, data_key: bytes) -> bool:
    """Whether ``data_key`` authenticates this vault's database (read-only, nothing written)."""
    try:
        conn = db.open_existing(folder / db.DB_NAME, data_key, read_only=True)
    except VaultDamaged:
        return False
    try:
        conn.execute("SELECT count(*) FROM identity").fetchone()
    except db.DatabaseError:
        return False
    finally:
        conn.close()
    return True


def restore_with_shares(
    folder: Path,
    mnemonics: Sequence[str],
    new_passphrase: str,
    *,
    kdf: Argon2Params | None = None,
) -> None:
    """Open the vault in ``folder`` with M shares instead of its passphrase and set
    ``new_passphrase``. The database is not touched: only ``vault.json`` is rewritten (a new
    one, with ``kdf`` or a calibrated cost, when the old header is missing or damaged)."""
    if not (folder / db.DB_NAME).is_file():
        raise VaultNotFound(path=str(folder))
    data_key = recover_data_key(mnemonics)
    if not _opens(folder, data_key):
        raise SharesWrongVault(path=str(folder))
    lock = VaultLock(folder)
    lock.acquire()  # VaultInUse while the vault is open elsewhere
    try:
        try:
            old = header.read_header(folder)
        except (OSError, VaultDamaged):
            new = header.new_header(new_passphrase, data_key, kdf)
        else:
            new = header.rewrap(old, new_passphrase, data_key)
        header.write_header(folder, new)
    finally:
        lock.release()


def share_from_image(path: Path) -> str:
    """The share in the QR code of a photo or scan of a printed sheet (zxing-cpp)."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path, formats=["PNG", "JPEG", "WEBP"]) as image:  # header only
            width, height = image.size
            if not 0 < width * height <= MAX_SCAN_PIXELS:  # no decompression bomb
                raise ShareImageUnreadable(path=str(path))
            image.load()
            found = zxingcpp.read_barcodes(image)
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
        raise ShareImageUnreadable(path=str(path)) from None
    for barcode in found:
        text = normalize_share(str(barcode.text))
        if len(text.split()) >= MIN_SHARE_WORDS:
            return text
    raise ShareImageUnreadable(path=str(path))


def shares_needed(mnemonic: str, number: int = 1) -> int:
    """How many shares the set of ``mnemonic`` needs (the threshold printed on its sheet)."""
    try:
        return int(Share.from_mnemonic(normalize_share(mnemonic)).member_threshold)
    except (MnemonicError, KeyError, ValueError):
        raise ShareInvalid(number=number) from None
