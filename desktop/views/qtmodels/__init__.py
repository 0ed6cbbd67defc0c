"""Qt item models over service queries (COL_* constants, custom roles, lazy fetch)."""
