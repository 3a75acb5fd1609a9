"""Passphrase key derivation (Argon2id) and its calibration.

The vault's passphrase never encrypts anything directly: Argon2id stretches it into a 256-bit
key-encryption key that unwraps the vault's random data key (see docs/vault-format.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

KEY_LEN = 32  # 256-bit key for ChaCha20-Poly1305
SALT_LEN = 16  # RFC 9106 recommends 16 bytes of salt
MIN_MEMORY_KIB = 64 * 1024  # at least 64 MiB: the floor the design sets against GPU guessing
MAX_MEMORY_KIB = 1024 * 1024  # never ask a cheap laptop for more than 1 GiB
MIN_ITERATIONS = 2  # RFC 9106 second recommended option uses t=3; 2 is the floor we accept
MAX_ITERATIONS = 64  # upper bound so a forged header cannot make unlock take hours
LANES = 4  # RFC 9106 recommendation; cryptography runs lanes on threads


@dataclass(frozen=True)
class Argon2Params:
    memory_kib: int
    iterations: int
    lanes: int = LANES

    def check(self) -> None:
        """Refuse parameters outside the accepted range (a damaged or hostile header)."""
        if not (MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB):
            raise ValueError("argon2 memory out of range")
        if not (MIN_ITERATIONS <= self.iterations <= MAX_ITERATIONS):
            raise ValueError("argon2 iterations out of range")
        if not (1 <= self.lanes <= 16):
            raise ValueError("argon2 lanes out of range")


def derive_key(passphrase: bytes, salt: bytes, params: Argon2Params) -> bytes:
    """Argon2id(passphrase, salt) → 32-byte key."""
    params.check()
    if len(salt) != SALT_LEN:
        raise ValueError("salt length")
    kdf = Argon2id(
        salt=salt,
        length=KEY_LEN,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(passphrase)


def calibrate(target_seconds: float = 0.6, memory_kib: int = 256 * 1024) -> Argon2Params:
    """Pick Argon2id parameters that take about ``target_seconds`` here (0.5–1 s is the goal).

    Memory is fixed (256 MiB by default, halved down to 64 MiB if allocation fails); iterations
    grow until the target is reached.
    """
    salt = bytes(SALT_LEN)
    while True:
        try:
            params = Argon2Params(memory_kib=memory_kib, iterations=MIN_ITERATIONS)
            start = time.perf_counter()
            derive_key(b"calibration", salt, params)
            elapsed = time.perf_counter() - start
            break
        except MemoryError:
            if memory_kib <= MIN_MEMORY_KIB:
                raise
            memory_kib //= 2
    per_iteration = max(elapsed / MIN_ITERATIONS, 1e-6)
    iterations = round(target_seconds / per_iteration)
    iterations = max(MIN_ITERATIONS, min(MAX_ITERATIONS, iterations))
    return Argon2Params(memory_kib=memory_kib, iterations=iterations)
