"""Funding's use cases, one module per area; each runs inside the caller's transaction."""
