"""The age scrypt recipient: a file key sealed under a passphrase.

Used only to exchange files with people who hold no age key (``age -p``). The stanza is
``-> scrypt <salt> <log2 N>`` with the sealed file key as body; it must be the only stanza, so a
passphrase file can never also be opened by a key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from crypto.errors import HeaderError
from crypto.header import Stanza
from crypto.primitives import WRAPPED_KEY_SIZE, Random, b64decode, b64encode, unwrap_key, wrap_key

STANZA_TYPE = "scrypt"  # case-sensitive
LABEL = b"age-encryption.org/v1/scrypt"  # prefixed to the salt: separates age from other uses
SALT_SIZE = 16  # age: 128-bit random salt
R, P = 8, 1  # age: fixed scrypt block size and parallelism
DEFAULT_WORK_FACTOR = 18  # log2 N; age's default, about 1 s and 256 MiB here
MAX_WORK_FACTOR = 20  # 1 GiB: refuse more, a cheap laptop must not be made to swap or hang
_WORK_FACTOR = re.compile(r"[1-9][0-9]{0,2}")  # decimal, no sign, no leading zero


def _key(passphrase: bytes, salt: bytes, work_factor: int) -> bytes:
    return Scrypt(salt=LABEL + salt, length=32, n=1 << work_factor, r=R, p=P).derive(passphrase)


class ScryptRecipient:
    def __init__(self, passphrase: str, work_factor: int = DEFAULT_WORK_FACTOR) -> None:
        if not 1 <= work_factor <= MAX_WORK_FACTOR:
            raise ValueError("scrypt work factor out of range")
        self._passphrase = passphrase.encode("utf-8")
        self._work_factor = work_factor
        self.labels = frozenset({f"scrypt-{id(self)}"})  # unique: a passphrase file has one stanza

    def wrap(self, file_key: bytes, random: Random) -> list[Stanza]:
        salt = random(SALT_SIZE)
        key = _key(self._passphrase, salt, self._work_factor)
        args = [b64encode(salt), str(self._work_factor)]
        return [Stanza(STANZA_TYPE, args, wrap_key(key, file_key))]


class ScryptIdentity:
    def __init__(self, passphrase: str, max_work_factor: int = MAX_WORK_FACTOR) -> None:
        self._passphrase = passphrase.encode("utf-8")
        self._max = min(max_work_factor, MAX_WORK_FACTOR)

    def unwrap(self, stanzas: Sequence[Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != STANZA_TYPE:
                continue
            if len(stanza.args) != 2 or not _WORK_FACTOR.fullmatch(stanza.args[1]):
                raise HeaderError("invalid scrypt stanza")
            try:
                salt = b64decode(stanza.args[0])
            except ValueError:
                raise HeaderError("invalid scrypt stanza") from None
            work_factor = int(stanza.args[1])
            if len(salt) != SALT_SIZE or len(stanza.body) != WRAPPED_KEY_SIZE:
                raise HeaderError("invalid scrypt stanza")
            if work_factor > self._max:
                raise HeaderError("scrypt work factor too high")
            file_key = unwrap_key(_key(self._passphrase, salt, work_factor), stanza.body)
            if file_key is not None:
                return file_key
        return None
