"""Source contracts by area of DESIGN.md's table, beyond the core seven in ``contracts``."""
