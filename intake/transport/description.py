"""The drop description: where volunteers send bundles, set and signed by a coordinator.

A small canonical JSON file (docs/drop-format.md §2): the drop's address, the server's host
key fingerprint (SFTP) or certificate pin (HTTPS), how to log in (never a password), an
optional SOCKS5 proxy, and the coordinator's fingerprint and signing key, signed with the key
of the coordinator's card. A volunteer imports it like a card; it is accepted only when its
signing key belongs to a coordinator card this vault has verified and not revoked, so nobody
else can point a volunteer's uploads elsewhere. The description and the credentials (password
or private key) are kept in the vault's settings, inside the encrypted database, and nowhere
else.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from crypto import signing
from crypto.card import canonical
from intake.cards.registry import CardRegistry, own_card
from intake.i18n import tr
from intake.transport.base import (
    CERT_SHAPE,
    HOST_KEY_SHAPE,
    DropSettings,
    parse_proxy,
    parse_url,
)
from intake.transport.errors import DescriptionOutdated, InvalidDrop, NoDrop
from intake.vault import Vault

VERSION = 1  # value of "amanat-drop"; other versions are refused
CONTEXT = b"amanat-drop-v1\n"  # prefix of the signed bytes: never valid as another signature
MAX_SIZE = 4096  # fits a QR code; larger input is refused before parsing
AUTH_METHODS = ("password", "key")
MEMBERS = {"amanat-drop", "url", "auth", "coordinator", "ed25519", "created", "sig"}
OPTIONAL = {"host-key", "cert-sha256", "proxy"}
SETTING = "drop.description"  # the signed file, as imported or set
PASSWORD = "drop.password"  # noqa: S105 (a settings key, not a password)
IDENTITY = "drop.identity"
CREATED_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
LOCAL_PROXY = "drop.local_proxy"  # the volunteer's own proxy, overriding the description's


@dataclass(frozen=True)
class Description:
    url: str
    auth: str
    coordinator: str  # fingerprint of the coordinator's card
    ed25519_public: bytes
    created: str
    host_key: str | None = None
    cert_sha256: str | None = None
    proxy: str | None = None
    signature: bytes = b""

    def members(self, signed: bool = True) -> dict[str, str | int]:
        out: dict[str, str | int] = {
            "amanat-drop": VERSION,
            "url": self.url,
            "auth": self.auth,
            "coordinator": self.coordinator,
            "ed25519": base64.b64encode(self.ed25519_public).decode("ascii"),
            "created": self.created,
        }
        for key, value in (
            ("host-key", self.host_key),
            ("cert-sha256", self.cert_sha256),
            ("proxy", self.proxy),
        ):
            if value is not None:
                out[key] = value
        if signed:
            out["sig"] = base64.b64encode(self.signature).decode("ascii")
        return out


def _check(desc: Description) -> None:
    scheme = parse_url(desc.url)[0]
    if desc.auth not in AUTH_METHODS:
        raise InvalidDrop(reason=tr("the login method must be 'password' or 'key'"))
    if scheme == "sftp":
        if desc.host_key is None or not HOST_KEY_SHAPE.fullmatch(desc.host_key):
            raise InvalidDrop(reason=tr("an SFTP drop needs the server's host key fingerprint"))
        if desc.cert_sha256 is not None:
            raise InvalidDrop(reason=tr("a certificate pin is for https:// drops only"))
    else:
        if desc.host_key is not None or desc.auth == "key":
            raise InvalidDrop(reason=tr("a host key and key login are for sftp:// drops only"))
        if desc.cert_sha256 is not None and not CERT_SHAPE.fullmatch(desc.cert_sha256):
            raise InvalidDrop(reason=tr("the certificate pin must be 64 lower-case hex digits"))
    if desc.proxy is not None:
        parse_proxy(desc.proxy)
    try:
        datetime.strptime(desc.created, CREATED_FORMAT)
    except ValueError:
        raise InvalidDrop(reason=tr("the creation time is not valid")) from None


def _login(desc: Description) -> tuple[str, str, int, str]:
    """Where the stored password or key is sent: scheme, host, port and user."""
    scheme, host, port, user, _folder = parse_url(desc.url)
    return scheme, host, port, user


def _signed_bytes(desc: Description) -> bytes:
    return CONTEXT + canonical(desc.members(signed=False))


def serialize(desc: Description) -> bytes:
    return canonical(desc.members()) + b"\n"


def create(
    vault: Vault,
    url: str,
    *,
    auth: str,
    host_key: str | None = None,
    cert_sha256: str | None = None,
    proxy: str | None = None,
    now: datetime | None = None,
) -> Description:
    """A description signed with this vault's key (a coordinator's)."""
    ident = vault.identity
    if ident.role != "coordinator":
        raise InvalidDrop(reason=tr("only a coordinator's vault can set the drop"))
    card = own_card(vault)
    desc = Description(
        url=url,
        auth=auth,
        coordinator=card.fingerprint,
        ed25519_public=card.ed25519_public,
        created=(now or datetime.now(UTC)).strftime(CREATED_FORMAT),
        host_key=host_key,
        cert_sha256=cert_sha256.lower() if cert_sha256 else None,
        proxy=proxy,
    )
    _check(desc)
    return replace(desc, signature=signing.sign(ident.signing_seed, _signed_bytes(desc)))


def parse(data: bytes) -> Description:
    """Parse a description file: shape, members and signature (not yet who signed it)."""
    bad = InvalidDrop(reason=tr("the drop description is damaged or was changed"))
    if len(data) > MAX_SIZE:
        raise bad
    try:
        obj = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad from None
    if not isinstance(obj, dict) or not MEMBERS <= obj.keys() <= MEMBERS | OPTIONAL:
        raise bad
    if obj["amanat-drop"] != VERSION or not all(
        isinstance(v, str) for k, v in obj.items() if k != "amanat-drop"
    ):
        raise bad
    try:
        desc = Description(
            url=obj["url"],
            auth=obj["auth"],
            coordinator=obj["coordinator"],
            ed25519_public=base64.b64decode(obj["ed25519"], validate=True),
            created=obj["created"],
            host_key=obj.get("host-key"),
            cert_sha256=obj.get("cert-sha256"),
            proxy=obj.get("proxy"),
            signature=base64.b64decode(obj["sig"], validate=True),
        )
    except (binascii.Error, ValueError):
        raise bad from None
    if serialize(desc) != data or not signing.verify(
        desc.ed25519_public, _signed_bytes(desc), desc.signature
    ):
        raise bad
    _check(desc)
    return desc


def check_signer(vault: Vault, desc: Description) -> None:
    """The description must be signed by a coordinator card this vault verified and has not
    revoked, and name that card's fingerprint."""
    known = CardRegistry(vault).by_signing_key(desc.ed25519_public)
    if (
        known is None
        or known.card.role != "coordinator"
        or not known.usable
        or known.fingerprint != desc.coordinator
    ):
        raise InvalidDrop(
            reason=tr(
                "it is not signed by a coordinator whose card you verified "
                "(import and verify the coordinator's card first)"
            )
        )


def store(
    vault: Vault,
    data: bytes,
    *,
    password: str | None = None,
    identity: str | None = None,
    proxy: str | None = None,
) -> Description:
    """Check and keep a description (own or a verified coordinator's) and the credentials."""
    desc = parse(data)
    if desc.ed25519_public != own_card(vault).ed25519_public:
        check_signer(vault, desc)
    before = current(vault)
    if before is not None and desc.created < before.created:  # one fixed format: sorts by time
        raise DescriptionOutdated(created=desc.created, current=before.created)
    # the stored password or key never follows the drop to another server or account
    moved = before is not None and _login(before) != _login(desc)
    kept_identity = None if moved else vault.get_setting(IDENTITY)
    kept_password = None if moved else vault.get_setting(PASSWORD)
    if desc.auth == "key" and not identity and kept_identity is None:
        raise InvalidDrop(reason=tr("this drop needs a key file (--identity-file)"))
    if desc.auth == "password" and password is None and kept_password is None:
        raise InvalidDrop(reason=tr("this drop needs a password (--password-file)"))
    if identity:
        from intake.transport.sftp import load_private_key

        load_private_key(identity)  # refuse a key that cannot be used, now rather than later
    if proxy is not None:
        parse_proxy(proxy)
    vault.set_setting(SETTING, data.decode("utf-8"))
    if moved:
        vault.delete_setting(PASSWORD)
        vault.delete_setting(IDENTITY)
    if password is not None:
        vault.set_setting(PASSWORD, password)
    if identity:
        vault.set_setting(IDENTITY, identity)
    if proxy is not None:
        vault.set_setting(LOCAL_PROXY, proxy)
    return desc


def current(vault: Vault, *, check: bool = False) -> Description | None:
    """The stored description; with ``check``, its signer must still be this vault or a
    verified coordinator it has not revoked since (raises InvalidDrop)."""
    raw = vault.get_setting(SETTING)
    if not raw:
        return None
    desc = parse(raw.encode("utf-8"))
    if check and desc.ed25519_public != own_card(vault).ed25519_public:
        check_signer(vault, desc)
    return desc


def exported(vault: Vault) -> bytes:
    """The description file to hand to volunteers."""
    raw = vault.get_setting(SETTING)
    if not raw:
        raise NoDrop()
    return raw.encode("utf-8")


def settings(vault: Vault) -> DropSettings:
    """How to connect, with the credentials from the vault; raises NoDrop."""
    desc = current(vault, check=True)  # the signer may have been revoked since the import
    if desc is None:
        raise NoDrop()
    scheme, host, port, user, folder = parse_url(desc.url)
    proxy_text = vault.get_setting(LOCAL_PROXY) or desc.proxy
    return DropSettings(
        scheme=scheme,
        host=host,
        port=port,
        username=user,
        folder=folder,
        host_key=desc.host_key,
        cert_sha256=desc.cert_sha256,
        proxy=parse_proxy(proxy_text) if proxy_text else None,
        password=vault.get_setting(PASSWORD) if desc.auth == "password" else None,
        identity=vault.get_setting(IDENTITY) if desc.auth == "key" else None,
    )
