"""Process hardening: what leaves the process must not carry secrets.

Called first by both faces (CLI and GUI). Files the app creates are private
(umask 077); no core dump can write memory (keys, decrypted text) to disk; an
unexpected error prints its type and the place it happened, never its message
(`int(name)` puts the name in the message); log records keep their format
string and lose their arguments unless those are plain numbers.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
import threading
import traceback
from types import TracebackType

PR_SET_DUMPABLE = 4


def disable_core_dumps() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    if sys.platform.startswith("linux"):
        try:
            # Also stops other processes of the same user from attaching a debugger.
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        except (OSError, AttributeError):
            pass


def core_dumps_disabled() -> bool:
    import resource

    return resource.getrlimit(resource.RLIMIT_CORE)[0] == 0


def safe_traceback(exc_type: type[BaseException], tb: TracebackType | None) -> str:
    """Where it happened and what type it was; no message, no local values."""
    frames = traceback.extract_tb(tb)
    lines = [f"  {os.path.basename(f.filename)}:{f.lineno} in {f.name}" for f in frames]
    return "\n".join(["Traceback (most recent call last, messages withheld):", *lines,
                      f"{exc_type.__module__}.{exc_type.__qualname__}"])


def _excepthook(exc_type: type[BaseException], exc: BaseException,
                tb: TracebackType | None) -> None:
    code = getattr(exc, "code", None)
    suffix = f" [{code}]" if isinstance(code, str) and code.isidentifier() else ""
    sys.stderr.write(f"Testimony stopped on an unexpected error: "
                     f"{exc_type.__qualname__}{suffix}\n")
    if os.environ.get("TESTIMONY_DEBUG"):
        sys.stderr.write(safe_traceback(exc_type, tb) + "\n")


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        _excepthook(args.exc_type, args.exc_value, args.exc_traceback)


class RedactingFilter(logging.Filter):
    """Drops non-numeric log arguments and exception text from every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(a if isinstance(a, int | float) else "<withheld>"
                                for a in args)
        if record.exc_info and record.exc_info[0] is not None:
            record.msg = f"{record.msg} [{record.exc_info[0].__qualname__}]"
            record.exc_info = None
            record.exc_text = None
        return True


def install(debug: bool = False) -> None:
    os.umask(0o077)
    disable_core_dumps()
    sys.excepthook = _excepthook
    threading.excepthook = _thread_hook
    if debug:
        os.environ["TESTIMONY_DEBUG"] = "1"
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if debug else logging.WARNING)
