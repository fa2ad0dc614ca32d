"""`testimony`, the command line: `main` runs one command (see app.py for the map of
the command modules)."""

from testimony_app.cli.app import main

__all__ = ["main"]
