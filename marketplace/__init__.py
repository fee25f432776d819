"""Support Market: the application. ``marketplace.app.create_app`` builds it; each area is a package here."""
