"""Funding's HTTP request and response schemas, one module per area (never reused as event schemas)."""
