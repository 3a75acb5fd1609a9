"""Auto-lock: lock the vault after a configurable time without keyboard or mouse input.

``IdleLock`` is an application-wide event filter: any key press, mouse click, wheel or touch in
any window of the app restarts a single-shot timer; when it fires, the session locks. It is
active only while the vault is unlocked. Mouse movement alone also counts (someone reading a
long narrative is not idle), but only events reaching the app's own windows do.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from ui.session import VaultSession

ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.InputMethod,
    }
)


class IdleLock(QObject):
    """Locks ``session`` after ``minutes`` of inactivity; restarts on every user input."""

    def __init__(self, session: VaultSession, minutes: int = 5) -> None:
        super().__init__(session)
        self._session = session
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._idle)
        self.set_minutes(minutes)
        session.unlocked.connect(self._start)
        session.locked.connect(self.stop)
        if session.is_unlocked:
            self._start()

    def _start(self) -> None:
        """Watch input only while unlocked (the filter sees every event of the app)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
            app.installEventFilter(self)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(minutes * 60_000)

    def set_interval_ms(self, msecs: int) -> None:
        """The idle time in milliseconds (tests use short times)."""
        self._timer.setInterval(msecs)
        if self._session.is_unlocked:
            self._timer.start()

    @property
    def interval_ms(self) -> int:
        return self._timer.interval()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS and self._timer.isActive():
            self._timer.start()
        return False

    def _idle(self) -> None:
        if self._session.is_unlocked:
            self._session.lock(by_idle=True)
