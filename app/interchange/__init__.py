"""JSON Lines import and export: the stable format for scripts and for moving existing case
lists into yorisoi. The format is documented in docs/import-format.md."""

from app.interchange.exporter import export_lines, export_to_file
from app.interchange.importer import ImportError_, ImportReport, import_file, import_lines

__all__ = ["ImportError_", "ImportReport", "export_lines", "export_to_file", "import_file", "import_lines"]
