"""`python -m testimony_app.cli`."""

import sys

from testimony_app.cli.app import main

sys.exit(main())
