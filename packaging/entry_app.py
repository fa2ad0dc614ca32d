"""Frozen entry point of the window."""

import sys

from testimony_app.gui.app import main

sys.exit(main())
