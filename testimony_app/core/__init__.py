"""The product: everything that is not a pixel. Never imports Qt.

`session.Session` is the facade the CLI and the GUI call; the other modules are
its parts, one noun each, in packages that depend one way, top to bottom:
the root (session, backup, demo) > audit > workspace > sync > identity > records >
vault > common. tests/test_layers.py fails on an import that points up or closes a
circle. Package __init__ files import nothing: the start window imports little.
"""
