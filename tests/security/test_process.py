"""Process hygiene: private files, no core dumps, errors without values."""

from __future__ import annotations

import logging
import subprocess
import sys

from testimony_app.core.common import hygiene
from tests.conftest import ROOT

SCRIPT = r"""
import os, sys, logging
from testimony_app.core.common import hygiene
hygiene.install()
print(hygiene.core_dumps_disabled(), oct(os.umask(0o077)))
logging.getLogger("x").warning("value %s and %d", "Secretname", 3)
int("Secretname")
"""


def test_hygiene_disables_core_dumps_and_hides_values() -> None:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert proc.stdout.split() == ["True", "0o77"]
    assert proc.returncode == 1
    assert "Secretname" not in proc.stderr
    assert "ValueError" in proc.stderr
    assert "value <withheld> and 3" in proc.stderr


def test_redacting_filter_drops_exception_text() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed %s", ("Secretname",),
                               None)
    try:
        int("Secretname")
    except ValueError:
        record.exc_info = sys.exc_info()
    hygiene.RedactingFilter().filter(record)
    assert "Secretname" not in record.getMessage()
    assert record.exc_info is None
