"""Life events recorded by council staff: a stay in hospital, a move, a death."""
