"""Fixtures shared with the sync-bundle tests."""

from tests.sync_fixtures import pair, pair_template  # noqa: F401
