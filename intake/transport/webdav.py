"""The WebDAV transport: Nextcloud, ownCloud, Apache or nginx DAV, wsgidav, over HTTPS.

Plain WebDAV cannot append to a file or write at an offset (RFC 7231 forbids Content-Range on
PUT, and servers refuse it), so a bundle travels in fixed-size pieces: ``NAME.part/`` is a
folder (collection) of pieces ``000000``, ``000001``, … of CHUNK bytes each (the last one
shorter), and ``commit`` renames the folder to ``NAME/`` in one MOVE (docs/drop-format.md).
After a cut, every whole piece on the server counts as arrived and at most one piece is sent
again. Each piece is at most CHUNK bytes in memory. Login is HTTP Basic over TLS (an app
password on Nextcloud); TLS is in intake/transport/tls.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import BinaryIO
from urllib.parse import quote, unquote, urlsplit

import httpx

from intake.transport.base import (
    CONNECT_TIMEOUT,
    DONE,
    IO_TIMEOUT,
    NAME_SHAPE,
    PART,
    REFUSED,
    DropSettings,
    Entry,
    Progress,
)
from intake.transport.errors import (
    AuthenticationFailed,
    CopyMismatch,
    DropFolderMissing,
    DropFull,
    DropRefused,
    OversizedDownload,
    TransportError,
)
from intake.transport.tls import HttpcoreTransport

CHUNK = 8 * 1024 * 1024  # bytes per piece: at most this much is sent again after a cut
SEND_BLOCK = 64 * 1024  # progress is reported per this many bytes
MAX_LISTING = 4 * 1024 * 1024  # bytes of a PROPFIND answer we read at most
PIECE_DIGITS = 6  # 999,999 pieces of 8 MiB: far beyond any bundle
DAV = "{DAV:}"
PROPFIND_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop>'
    b"<d:resourcetype/><d:getcontentlength/><d:getlastmodified/></d:prop></d:propfind>"
)


def _http_time(text: str | None) -> float:
    try:
        return parsedate_to_datetime(text or "").timestamp()
    except (TypeError, ValueError):
        return 0.0


def _piece(index: int) -> str:
    return f"{index:0{PIECE_DIGITS}d}"


class WebDavDrop:
    """An open WebDAV session on the drop folder (implements intake.transport.base.Drop)."""

    def __init__(self, client: httpx.Client, folder: str, chunk: int = CHUNK) -> None:
        self._client = client
        self._folder = folder.rstrip("/")
        self.chunk = chunk

    @classmethod
    def connect(cls, settings: DropSettings, chunk: int = CHUNK) -> WebDavDrop:
        client = httpx.Client(
            base_url=f"https://{settings.host}:{settings.port}",
            auth=httpx.BasicAuth(settings.username, settings.password or ""),
            transport=HttpcoreTransport(settings),
            timeout=httpx.Timeout(IO_TIMEOUT, connect=CONNECT_TIMEOUT),
            follow_redirects=False,
        )
        drop = cls(client, settings.folder, chunk)
        try:
            found = drop._propfind("", depth=0)
            if found is None or not found.get("", (True, 0, 0.0))[0]:
                raise DropFolderMissing(folder=settings.folder)
        except BaseException:
            client.close()
            raise
        return drop

    # ---- requests -----------------------------------------------------------------------

    def _url(self, *parts: str) -> str:
        path = "/".join([self._folder, *(p for p in parts if p)])
        return quote(path or "/")

    def _check(self, response: httpx.Response, *ok: int) -> httpx.Response:
        status = response.status_code
        if status in ok:
            return response
        if status == 401:
            raise AuthenticationFailed()
        if status == 507:
            raise DropFull()
        if status in (404, 409):
            raise DropFolderMissing(folder=self._folder or "/")
        raise DropRefused(detail=f"HTTP {status}")

    def _propfind(self, path: str, depth: int) -> dict[str, tuple[bool, int, float]] | None:
        """{name: (is_collection, size, modified)} of ``path`` ("" = itself) and, for depth 1, its
        members; None when ``path`` does not exist."""
        url = self._url(path)
        with self._client.stream(
            "PROPFIND",
            url,
            content=PROPFIND_BODY,
            headers={"Depth": str(depth), "Content-Type": "application/xml"},
        ) as response:
            if response.status_code == 404:
                return None
            self._check(response, 207)
            body = b""
            for block in response.iter_bytes():
                body += block
                if len(body) > MAX_LISTING:
                    raise DropRefused(detail="listing too large")
        try:
            root = ET.fromstring(body)  # noqa: S314 (see the import)
        except ET.ParseError:
            raise DropRefused(detail="unreadable listing") from None
        base = unquote(url).rstrip("/")
        found: dict[str, tuple[bool, int, float]] = {}
        for item in root.iter(f"{DAV}response"):
            href = unquote(urlsplit(item.findtext(f"{DAV}href") or "").path).rstrip("/")
            name = "" if href == base else href.rsplit("/", 1)[-1]
            if name and href.rsplit("/", 1)[0] != base:
                continue
            is_collection = item.find(f".//{DAV}resourcetype/{DAV}collection") is not None
            length = item.findtext(f".//{DAV}getcontentlength") or "0"
            found[name] = (
                is_collection,
                int(length) if length.isdigit() else 0,
                _http_time(item.findtext(f".//{DAV}getlastmodified")),
            )
        return found

    def _pieces(self, path: str) -> list[int] | None:
        """Sizes of the pieces 000000… in order, up to the first gap; None when absent."""
        found = self._propfind(path, depth=1)
        if found is None:
            return None
        sizes: list[int] = []
        while (entry := found.get(_piece(len(sizes)))) is not None and not entry[0]:
            sizes.append(entry[1])
        return sizes

    def _mkcol(self, path: str) -> None:
        self._check(self._client.request("MKCOL", self._url(path) + "/"), 201, 405)

    def _move(self, source: str, target: str) -> None:
        destination = str(self._client.base_url.join(self._url(target)))
        response = self._client.request(
            "MOVE", self._url(source), headers={"Destination": destination, "Overwrite": "T"}
        )
        self._check(response, 201, 204)

    # ---- the Drop interface ---------------------------------------------------------------

    def list(self, folder: str = "") -> list[Entry]:
        found = self._propfind(folder, depth=1) or {}
        entries = []
        for name, (is_collection, _size, modified) in sorted(found.items()):
            if not name or name in (DONE, REFUSED) or not NAME_SHAPE.fullmatch(name):
                continue
            if name.endswith(PART):
                continue
            if is_collection:  # a bundle; loose files (reasons, strays) are not bundles here
                pieces = self._pieces(f"{folder}/{name}" if folder else name)
                entries.append(Entry(name, sum(pieces or []), modified))
        return sorted(entries, key=lambda e: (e.modified, e.name))

    def size(self, name: str, folder: str = "") -> int | None:
        pieces = self._pieces(f"{folder}/{name}" if folder else name)
        return None if pieces is None else sum(pieces)

    def part_size(self, name: str) -> int:
        pieces = self._pieces(name + PART) or []
        whole = 0
        for size in pieces:  # only whole pieces count: a cut may leave a short one
            if size != self.chunk:
                break
            whole += size
        return whole

    def upload(
        self, name: str, source: BinaryIO, offset: int, total: int, progress: Progress
    ) -> int:
        if offset % self.chunk:
            raise CopyMismatch(name=name)
        if offset == 0:
            self._mkcol(name + PART)
        sent = 0
        index = offset // self.chunk
        while offset + sent < total:
            data = source.read(min(self.chunk, total - offset - sent))
            if not data:
                break
            done_before = sent

            def body(data: bytes = data, done_before: int = done_before) -> Iterator[bytes]:
                for start in range(0, len(data), SEND_BLOCK):
                    yield data[start : start + SEND_BLOCK]
                    progress(done_before + min(start + SEND_BLOCK, len(data)))

            response = self._client.put(
                self._url(name + PART, _piece(index)),
                content=body(),
                headers={"Content-Length": str(len(data))},
            )
            self._check(response, 201, 204)
            sent += len(data)
            index += 1
        return sent

    def commit(self, name: str, total: int, sha256: str) -> bool:
        pieces = self._pieces(name + PART) or []
        expected = -(-total // self.chunk) if total else 0
        if len(pieces) != expected or sum(pieces) != total:
            self._client.request("DELETE", self._url(name + PART) + "/")
            raise CopyMismatch(name=name)
        self._move(name + PART, name)
        return False  # plain WebDAV tells no hash: the size of every piece was checked

    def download(self, name: str, sink: BinaryIO, offset: int, progress: Progress) -> int:
        pieces = self._pieces(name)
        if pieces is None:
            raise DropFolderMissing(folder=f"{self._folder}/{name}")
        got = 0
        start = 0
        for index, size in enumerate(pieces):
            if start + size <= offset:
                start += size
                continue
            skip = max(0, offset - start)
            headers = {"Range": f"bytes={skip}-"} if skip else {}
            with self._client.stream("GET", self._url(name, _piece(index)), headers=headers) as r:
                self._check(r, 206 if skip else 200)
                piece_left = size - skip
                for block in r.iter_bytes(SEND_BLOCK):
                    piece_left -= len(block)
                    if piece_left < 0:  # more than the piece's listed size: refused, not written
                        raise OversizedDownload()
                    sink.write(block)
                    got += len(block)
                    progress(got)
            start += size
        return got

    def move(self, name: str, folder: str) -> None:
        self._mkcol(folder)
        self._move(name, f"{folder}/{name}")

    def put_small(self, name: str, folder: str, data: bytes) -> None:
        self._mkcol(folder)
        self._check(self._client.put(self._url(folder, name), content=data), 201, 204)

    def close(self) -> None:
        self._client.close()


__all__ = ["CHUNK", "TransportError", "WebDavDrop"]
