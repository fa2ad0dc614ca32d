"""The product: everything that is not a pixel. Never imports Qt.

`session.Session` is the facade the CLI and the GUI call; the other modules are
its parts, one noun each.
"""
