"""The transparency log: an append-only Merkle log of signed versions (docs/transparency-log.md)."""
