"""What the code below the facade uses of an open vault: its connection, the author its
changes are recorded under, and its folder. `session.Session` has all three; sync and
the demo take this so that they never import the facade that calls them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol


class OpenVault(Protocol):
    @property
    def conn(self) -> Any: ...

    @property
    def author(self) -> str: ...

    @property
    def folder(self) -> Path: ...
