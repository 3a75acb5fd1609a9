"""Bech32 (BIP 173) as age uses it for recipients and identities, without the length limit.

age encodes keys as Bech32 strings: ``age1…`` recipients, ``AGE-SECRET-KEY-1…`` identities
(upper case), and the long ``age1pq1…`` hybrid recipients, which is why the 90-character limit
of BIP 173 is not enforced. Mixed case is refused; the checksum is the original Bech32 one.
"""

from __future__ import annotations

from crypto.errors import KeyFormatError

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"  # BIP 173 data alphabet
_GENERATOR = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)  # BIP 173 BCH code
CHECKSUM_LEN = 6  # BIP 173: six 5-bit groups of checksum


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i, g in enumerate(_GENERATOR):
            chk ^= g if (top >> i) & 1 else 0
    return chk


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    acc, bits, out, maxv = 0, 0, [], (1 << to_bits) - 1
    for value in data:
        acc = (acc << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad and bits:
        out.append((acc << (to_bits - bits)) & maxv)
    elif not pad and (bits >= from_bits or (acc << (to_bits - bits)) & maxv):
        raise KeyFormatError("invalid Bech32 padding")
    return out


def encode(hrp: str, data: bytes) -> str:
    """Lower-case Bech32 of ``data`` under the human-readable part ``hrp``."""
    hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, pad=True)
    polymod = _polymod(_hrp_expand(hrp) + values + [0] * CHECKSUM_LEN) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(CHECKSUM_LEN)]
    return hrp + "1" + "".join(CHARSET[v] for v in values + checksum)


def decode(text: str) -> tuple[str, bytes]:
    """(hrp in lower case, data) of a Bech32 string; raises KeyFormatError."""
    if text.lower() != text and text.upper() != text:
        raise KeyFormatError("mixed-case Bech32 string")
    text = text.lower()
    pos = text.rfind("1")
    if pos < 1 or pos + CHECKSUM_LEN + 1 > len(text):
        raise KeyFormatError("malformed Bech32 string")
    hrp, rest = text[:pos], text[pos + 1 :]
    if any(not 33 <= ord(c) <= 126 for c in hrp) or any(c not in CHARSET for c in rest):
        raise KeyFormatError("invalid character in Bech32 string")
    values = [CHARSET.index(c) for c in rest]
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise KeyFormatError("invalid Bech32 checksum")
    return hrp, bytes(_convert_bits(values[:-CHECKSUM_LEN], 5, 8, pad=False))
