"""Safekeeping of a vault in the field: backups and their restore, the paper key backup
(the data key split into SLIP-39 shares) and the panic wipe (docs/vault-format.md,
"Backups", "Paper key backup", "Wipe"; SECURITY.md, "If your laptop is lost or taken")."""
