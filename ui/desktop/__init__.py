"""The desktop window (PySide6). Widgets call `app/` services; never SQL, files or crypto."""
