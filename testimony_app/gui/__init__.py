"""PySide6 widgets: the only layer that imports Qt."""
