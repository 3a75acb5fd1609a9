"""The encrypted vault: a folder with a header (``vault.json``) and a SQLCipher DB.

See docs/vault-format.md. ``Vault`` is the entry point; ``Identity`` is the owner's keys.
"""

from intake.vault.vault import BULK_BYTES, ROLES, Identity, Vault, is_vault

__all__ = ["BULK_BYTES", "ROLES", "Identity", "Vault", "is_vault"]
