"""Frozen entry point of the command line."""

import sys

from testimony_app.cli import main

sys.exit(main())
