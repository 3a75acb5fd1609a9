"""Bundles: signed, encrypted, streaming transport of testimonies from volunteers to coordinators.

The format is docs/bundle-format.md §7. Layers, bottom up: ``tarstream`` (strict ustar),
``manifest`` (what a bundle holds, limits), ``writer`` / ``reader`` (age + tar + minisign,
no storage), then the vault services ``export`` and ``importer`` and the ``seal`` policy.
"""
