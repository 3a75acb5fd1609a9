"""The application core: the use cases that the ``amanat`` command and the desktop app both call.

``vaults`` creates and unlocks vaults (and the demo); ``AmanatCore`` (``app``) holds the use
cases on one open vault: testimonies, attachments, cards, bundles out and in, review of
duplicates, sharing, printing. The CLI (intake/cli/) and the GUI (ui/) are two faces of the
same core, the way dangerzone's ``DangerzoneCore`` serves its CLI and its GUI; neither builds
stores or loops over bundles itself. This package imports its rooms only when a use case runs,
so that ``amanat --help`` stays fast (docs/performance.md, "Start-up").
"""
