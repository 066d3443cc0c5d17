"""Network's HTTP schemas, one module per area."""
