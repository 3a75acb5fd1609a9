"""Opening a drop with the transport its address names (sftp:// or https://)."""

from __future__ import annotations

from intake.transport.base import Drop, DropSettings


def open_drop(settings: DropSettings) -> Drop:
    """Connect to the drop; raises a TransportError subclass (intake/transport/errors.py)."""
    if settings.scheme == "sftp":
        from intake.transport.sftp import SftpDrop

        return SftpDrop.connect(settings)
    from intake.transport.webdav import WebDavDrop

    return WebDavDrop.connect(settings)
