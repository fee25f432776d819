"""Attacks found on a running copy, one test file per class of hole; each test fails without its fix."""
