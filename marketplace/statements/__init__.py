"""Monthly statements: what came in, what went out and what is left, fixed once issued."""
