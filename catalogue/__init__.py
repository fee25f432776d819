"""The searchable catalogue: organisations, listings, people and community resources."""
