"""Fixtures shared with the sync-bundle and workspace tests."""

from tests.sync_fixtures import pair, pair_template  # noqa: F401
from tests.workspace_fixtures import workspace, workspace_template  # noqa: F401
