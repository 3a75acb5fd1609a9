"""Sending bundles to a dumb drop and fetching them from it (docs/drop-format.md).

``base`` is the small interface every transport implements (``Drop``) and the connection
settings; ``sftp`` (OpenSSH via paramiko, host key pinned) and ``webdav`` (HTTPS via httpx,
system CA store or a pinned certificate) implement it; ``socks`` is the SOCKS5 client both use
behind an optional proxy. ``description`` is the drop description a coordinator signs;
``outbox`` and ``fetch`` are the volunteer's and the coordinator's use cases.
"""
