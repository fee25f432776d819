"""Links that leave the product (in emails, to Stripe): always on the configured ``PUBLIC_BASE_URL``,
never on the Host header of the request that caused them, which an attacker controls."""
from __future__ import annotations

from flask import current_app, has_request_context, url_for


def external(path: str) -> str:
    """``path`` (inside the product, starting with "/") as a full URL on the public base URL."""
    if not path.startswith("/"):
        raise ValueError(f"not a path inside the product: {path!r}")
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def url(endpoint: str, **values) -> str:
    """The full public URL of ``endpoint``, inside a request or out of one (a job)."""
    if has_request_context():
        return external(url_for(endpoint, _external=False, **values))
    with current_app.test_request_context("/"):
        return external(url_for(endpoint, _external=False, **values))
