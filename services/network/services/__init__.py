"""Network's use cases, one module per area; each runs in the caller's transaction."""
