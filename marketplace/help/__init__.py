"""Plain-English help pages, per council, editable by its administrators and kept as versions."""
