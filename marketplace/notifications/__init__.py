"""Notifications in the product (a list with unread counts) and by email."""
