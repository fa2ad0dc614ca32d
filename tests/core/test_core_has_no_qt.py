"""core/ is the product and never imports Qt: checked with PySide6 made unimportable."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import testimony_app.core
from tests.conftest import ROOT

SCRIPT = """
import sys, importlib
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked in core')
sys.meta_path.insert(0, Block())
for name in sys.argv[1:]:
    importlib.import_module(name)
import testimony_app.cli
print('ok', len(sys.argv) - 1)
"""


def test_every_core_module_imports_without_qt() -> None:
    modules = [m.name for m in pkgutil.walk_packages(testimony_app.core.__path__,
                                                     "testimony_app.core.")]
    assert len(modules) >= 10
    proc = subprocess.run([sys.executable, "-c", SCRIPT, *modules], capture_output=True,
                          text=True, cwd=ROOT, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"ok {len(modules)}"
