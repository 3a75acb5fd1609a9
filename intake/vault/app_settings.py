"""Settings of the desktop app that belong to one vault (kept inside it, encrypted).

Only the auto-lock delay so far: how many minutes without keyboard or mouse input before the
app locks the vault. It lives in the vault, not in the per-user preferences file, so that
someone with access to the files cannot quietly lengthen it, and every vault (a volunteer
may keep several) has its own. Qt-free, so the CLI and tests can read and change it too.
"""

from __future__ import annotations

from intake.errors import InvalidInput
from intake.i18n import tr
from intake.vault import Vault

AUTOLOCK_KEY = "app.autolock_minutes"
DEFAULT_AUTOLOCK_MINUTES = 5  # the default: short enough for a table in a café
MIN_AUTOLOCK_MINUTES = 1
MAX_AUTOLOCK_MINUTES = 120  # longer than a long interview; "never" is not offered


def autolock_minutes(vault: Vault) -> int:
    """The configured delay, or the default when unset or unreadable."""
    raw = vault.get_setting(AUTOLOCK_KEY)
    try:
        value = int(raw) if raw is not None else DEFAULT_AUTOLOCK_MINUTES
    except ValueError:
        return DEFAULT_AUTOLOCK_MINUTES
    if not MIN_AUTOLOCK_MINUTES <= value <= MAX_AUTOLOCK_MINUTES:
        return DEFAULT_AUTOLOCK_MINUTES
    return value


def set_autolock_minutes(vault: Vault, minutes: int) -> None:
    """Store the delay; raises InvalidInput outside 1–120 minutes."""
    if not MIN_AUTOLOCK_MINUTES <= minutes <= MAX_AUTOLOCK_MINUTES:
        raise InvalidInput(
            reason=tr(
                "the auto-lock time must be between {low} and {high} minutes",
                low=MIN_AUTOLOCK_MINUTES,
                high=MAX_AUTOLOCK_MINUTES,
            )
        )
    vault.set_setting(AUTOLOCK_KEY, str(minutes))
