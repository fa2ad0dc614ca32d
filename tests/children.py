"""Helper processes that tests start (a sound server, Syncthing) die with the test
process: a run stopped by a timeout or a kill would otherwise leave them running,
holding a core of this 2-core machine, long after the run is gone."""

from __future__ import annotations

import os
import sys

# Sets the parent-death signal, then becomes the command (the setting survives exec).
# A launcher rather than `preexec_fn`, which may deadlock in a process with threads.
# A parent that died before the signal was set is seen by its pid having changed.
_LAUNCHER = ("import ctypes, os, signal, sys; "
             "ctypes.CDLL(None).prctl(1, signal.SIGTERM); "  # PR_SET_PDEATHSIG
             "os.getppid() == int(sys.argv[1]) or sys.exit(1); "
             "os.execvp(sys.argv[2], sys.argv[2:])")


def dying_with_parent(command: list[str]) -> list[str]:
    """`command`, started so that on Linux it gets SIGTERM when the process that
    started it dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return command
    return [sys.executable, "-c", _LAUNCHER, str(os.getpid()), *command]
