"""The drop's use cases on an open vault: set or import the drop, the outbox, send, fetch.

``AmanatCore.drop`` hands these to the CLI (intake/cli/cmd_drop.py) and the GUI; the work is in
intake/transport/. Credentials go into the vault and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from intake.transport.description import Description
    from intake.transport.fetch import Fetched, FetchProgress
    from intake.transport.outbox import OutboxEntry, SendProgress, SendResult
    from intake.vault import Vault


class DropUseCases:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    def set(
        self,
        url: str,
        *,
        host_key: str | None = None,
        cert_sha256: str | None = None,
        password: str | None = None,
        identity: str | None = None,
        proxy: str | None = None,
    ) -> Description:
        """The coordinator sets the drop: signs its description and keeps the credentials."""
        from intake.transport import description

        desc = description.create(
            self.vault,
            url,
            auth="key" if identity else "password",
            host_key=host_key,
            cert_sha256=cert_sha256,
            proxy=proxy,
        )
        description.store(
            self.vault, description.serialize(desc), password=password, identity=identity
        )
        return desc

    def import_description(
        self,
        data: bytes,
        *,
        password: str | None = None,
        identity: str | None = None,
        proxy: str | None = None,
    ) -> Description:
        """A volunteer imports the coordinator's signed description and their credentials."""
        from intake.transport import description

        return description.store(
            self.vault, data, password=password, identity=identity, proxy=proxy
        )

    def export_description(self) -> bytes:
        from intake.transport import description

        return description.exported(self.vault)

    def current(self) -> Description | None:
        from intake.transport import description

        return description.current(self.vault)

    def outbox(self) -> list[OutboxEntry]:
        from intake.transport import outbox

        return outbox.entries(self.vault)

    def send(
        self, progress: SendProgress | None = None, sleep: Callable[[float], None] | None = None
    ) -> list[SendResult]:
        """Upload every pending bundle; nothing pending: no connection at all."""
        from intake.transport import description, outbox

        if not outbox.pending(self.vault):
            return []
        settings = description.settings(self.vault)
        if sleep is None:
            return outbox.send(self.vault, settings, progress)
        return outbox.send(self.vault, settings, progress, sleep=sleep)

    def fetch(self, progress: FetchProgress | None = None) -> list[Fetched]:
        """Download, import and tidy every new bundle on the drop (coordinator)."""
        from intake.transport import description, fetch

        return fetch.fetch(self.vault, description.settings(self.vault), progress)
