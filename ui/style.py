"""The app's small style sheet: page titles, error and help text, the final-version banner.

Colours are chosen to stay readable on light and dark palettes; sizes are relative to the
interface font, so high-DPI scaling and the Arabic-script font size stay consistent.
"""

from __future__ import annotations

STYLE_SHEET = """
QLabel#pageTitle { font-size: 16pt; font-weight: bold; padding: 4px 0; }
QLabel#errorText { color: #b3261e; }
QLabel#helpText { color: #555555; }
QLabel#partLabel { color: #444444; }
QLabel#banner { background: #fff4ce; color: #3d2e00; padding: 6px; border-radius: 4px; }
QLabel#saveState { color: #444444; padding: 0 8px; }
"""
