"""The user-facing layer: the desktop window (PySide6) and the command line.

Both talk only to `app/`. The composition root is `ui.main`.
"""
