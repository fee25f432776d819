"""Entry point: ``gunicorn wsgi:app`` or ``flask --app wsgi ...``."""
from marketplace.app import create_app

app = create_app()
