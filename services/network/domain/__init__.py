"""Network's pure rules, one module per area."""
