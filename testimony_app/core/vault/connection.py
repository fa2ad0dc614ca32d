"""The part of a sqlcipher3 connection the vault uses, as a type.

sqlcipher3 ships no type hints, so a connection it returns is `Any` to mypy: a
misspelt method or a wrong argument would only show when the line runs. Functions
take a `Connection` instead, and mypy checks every call against this description.
It describes the connection only as far as the code uses it: a method added here is
one the code starts to use. Rows stay `Any` (the vault sets no row factory: a row is
a tuple whose columns the query names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

Parameters = Sequence[Any] | Mapping[str, Any]


class Cursor(Protocol):
    """The rows of one statement, and what it changed."""

    @property
    def rowcount(self) -> int: ...

    @property
    def lastrowid(self) -> int:
        """The rowid of the row an INSERT made (read only after one)."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Blob(Protocol):
    """An attachment chunk read or written in place (`Connection.open_blob`)."""

    def read(self, length: int = ..., /) -> bytes: ...

    def write(self, data: bytes, /) -> None: ...

    def __enter__(self) -> Blob: ...

    def __exit__(self, *exc_info: object) -> object: ...


class Connection(Protocol):
    """An open vault database (`db.connect`, `db.connect_read_only`, …)."""

    def execute(self, sql: str, parameters: Parameters = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Parameters], /) -> Cursor: ...

    def close(self) -> None: ...

    def commit(self) -> None: ...

    def open_blob(self, table: str, column: str, row: int, /, *,
                  readonly: bool = ...) -> Blob: ...

    def set_progress_handler(self, handler: Callable[[], int | None] | None,
                             n: int, /) -> None: ...

    def backup(self, target: Connection, /, *, pages: int = ...,
               progress: Callable[[int, int, int], object] | None = ...,
               sleep: float = ...) -> None: ...
