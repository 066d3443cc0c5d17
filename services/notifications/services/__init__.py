"""Notifications' use cases, one module per area; each runs in the caller's transaction. Sending
is in ``delivery``, assembling digests in ``digests``."""
