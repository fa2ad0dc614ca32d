"""What every layer uses and that knows nothing of a vault: errors with stable codes
and the words for them, strict JSON, writing output files safely, process hygiene."""
