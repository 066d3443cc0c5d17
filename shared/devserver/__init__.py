"""``make run``: the whole system on one machine, for development and demos."""
