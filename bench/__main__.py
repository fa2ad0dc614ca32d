"""Benchmarks against named baselines live here (issue: benchmarks). Not yet written."""

import sys

sys.stderr.write("No benchmarks yet: see the benchmarks issue.\n")
sys.exit(1)
