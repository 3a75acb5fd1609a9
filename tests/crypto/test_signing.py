"""crypto/signing: plain Ed25519 against RFC 8032 vectors, and the testimony signature vector."""

from __future__ import annotations

import pytest

from crypto.keys import signing_public_key
from crypto.signing import sign, verify
from intake.testimonies.canonical import signing_message

# RFC 8032 section 7.1, TEST 1 and TEST 2: (secret key, public key, message, signature)
RFC8032 = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065"
        "224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
        "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]
# docs/testimony-format.md test vector: the version-1 record's hash, signed with TEST 1's key
# over "amanat testimony version v1\n" || hash. Ed25519 is deterministic, so this pins the
# message layout (computed with this code; the RFC vectors above check the primitive).
RECORD_HASH = "821dc3a8dcd4a4a0b1b8e41df2b606fba488425e9b7a01921213fcef1638b584"
RECORD_SIGNATURE = (
    "bfce571e31478625ebd172fc1c4df348f0b1248296269fd13c3210ed1a855204"
    "bcdbfacb076958933aac5b7f144661a714040764bf01d1364e604373501c6800"
)


@pytest.mark.parametrize(("secret", "public", "message", "signature"), RFC8032)
def test_rfc8032_vectors(secret: str, public: str, message: str, signature: str) -> None:
    seed, pub, msg = bytes.fromhex(secret), bytes.fromhex(public), bytes.fromhex(message)
    assert signing_public_key(seed) == pub
    assert sign(seed, msg).hex() == signature
    assert verify(pub, msg, bytes.fromhex(signature))
    assert not verify(pub, msg + b"\x00", bytes.fromhex(signature))


def test_testimony_signature_vector() -> None:
    seed = bytes.fromhex(RFC8032[0][0])
    message = signing_message(RECORD_HASH)
    assert len(message) == 60 and message.startswith(b"amanat testimony version v1\n")
    assert sign(seed, message).hex() == RECORD_SIGNATURE


def test_verify_answers_false_for_anything_malformed() -> None:
    seed = bytes.fromhex(RFC8032[0][0])
    public = signing_public_key(seed)
    good = sign(seed, b"m")
    assert verify(public, b"m", good)
    assert not verify(public, b"m", good[:-1])
    assert not verify(public[:31], b"m", good)
    assert not verify(bytes(32), b"m", good)  # not a valid point / not the key
    flipped = bytes([good[0] ^ 1]) + good[1:]
    assert not verify(public, b"m", flipped)
    with pytest.raises(ValueError, match="32 bytes"):
        sign(seed[:16], b"m")
    with pytest.raises(ValueError, match="hash"):
        sign(seed, bytes(5000))
