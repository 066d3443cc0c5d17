"""Notifications' HTTP request and response schemas, one module per area."""
