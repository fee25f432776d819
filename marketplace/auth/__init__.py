"""Signing in and out, passwords, invitations and a person's own account settings: the pages over ``accounts``."""
