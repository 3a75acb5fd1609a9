"""Lock when the computer goes to sleep or its screen locks, where the system tells us.

Idle auto-lock (ui/idle_lock.py) covers a laptop left open. This covers the lid closed or the
screen locked by hand, where the system says so:

- Qt's application state ``ApplicationSuspended`` or ``ApplicationHidden`` (platforms that
  suspend apps: Android, iOS; some Wayland compositors). ``ApplicationInactive`` is not used:
  on desktops it only means another window has the focus.
- On Linux with systemd, logind's ``PrepareForSleep(true)`` on the system D-Bus (before
  suspend or hibernate) and ``Lock`` of this login session (``loginctl lock-session``, and
  desktops that lock through logind).
- The freedesktop and GNOME screensaver's ``ActiveChanged(true)`` on the session D-Bus (KDE,
  GNOME, Xfce and others when the screen locks or the screensaver starts).

Windows and macOS send their lock and sleep notices through native APIs that Qt does not
surface; there the idle lock remains the protection (SECURITY.md says so).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import SLOT, QObject, Qt, Slot
from PySide6.QtGui import QGuiApplication

from ui.session import VaultSession

# (path, interface, signal, slot). The sender is not filtered: a signal from any process on
# the bus can only make Amanat lock, which is harmless (and it lets the tests send them).
SYSTEM_SIGNALS = (
    ("/org/freedesktop/login1", "org.freedesktop.login1.Manager", "PrepareForSleep",
     "prepare_for_sleep(bool)"),
    ("/org/freedesktop/login1/session/auto", "org.freedesktop.login1.Session", "Lock",
     "session_locked()"),
)  # fmt: skip
SESSION_SIGNALS = (
    ("/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver", "ActiveChanged",
     "screen_saver(bool)"),
    ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "ActiveChanged", "screen_saver(bool)"),
)  # fmt: skip
LOCKING_STATES = frozenset(
    {Qt.ApplicationState.ApplicationSuspended, Qt.ApplicationState.ApplicationHidden}
)


class SessionWatch(QObject):
    """Locks ``session`` on sleep or screen lock; ``sources`` lists what is being watched."""

    def __init__(
        self, session: VaultSession, system_bus: Any = None, session_bus: Any = None
    ) -> None:
        """``system_bus``/``session_bus``: QDBusConnections to watch instead of the usual
        ones (tests run a private bus)."""
        super().__init__(session)
        self._session = session
        self.sources: list[str] = []
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self.application_state)
            self.sources.append("qt")
        if system_bus is None or session_bus is None:
            try:
                from PySide6.QtDBus import QDBusConnection
            except ImportError:  # a build without QtDBus
                return
            system_bus = system_bus or QDBusConnection.systemBus()
            session_bus = session_bus or QDBusConnection.sessionBus()
        self._watch(system_bus, SYSTEM_SIGNALS)
        self._watch(session_bus, SESSION_SIGNALS)

    def _watch(self, bus: Any, signals: tuple[tuple[str, str, str, str], ...]) -> None:
        if not bus.isConnected():
            return
        for path, interface, name, slot in signals:
            if bus.connect("", path, interface, name, self, SLOT(slot)):
                self.sources.append(f"{interface}.{name}")

    def _lock(self) -> None:
        if self._session.is_unlocked:
            self._session.lock()

    @Slot(Qt.ApplicationState)
    def application_state(self, state: Qt.ApplicationState) -> None:
        if state in LOCKING_STATES:
            self._lock()

    @Slot(bool)
    def prepare_for_sleep(self, going: bool) -> None:
        if going:
            self._lock()

    @Slot()
    def session_locked(self) -> None:
        self._lock()

    @Slot(bool)
    def screen_saver(self, active: bool) -> None:
        if active:
            self._lock()
