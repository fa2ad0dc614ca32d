"""Helper processes that tests start (a sound server, Syncthing) die with the test
process: a run stopped by a timeout or a kill would otherwise leave them running,
holding a core of this 2-core machine, long after the run is gone."""

from __future__ import annotations

import ctypes
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """`preexec_fn` for subprocess.Popen: on Linux the child gets SIGTERM when the
    process that started it dies, however it dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
