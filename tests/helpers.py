"""Test helpers: a client that submits forms with their CSRF token, and page text."""
from __future__ import annotations

import re
from html import unescape

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def page_text(response) -> str:
    """The visible text of a page, tags stripped and whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


class Browser:
    """Wraps a Flask test client: ``submit`` loads the form page first to get its CSRF token."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def csrf_token(self, url: str) -> str:
        response = self.client.get(url)
        match = _CSRF.search(response.get_data(as_text=True))
        assert match, f"no CSRF token on {url} (status {response.status_code})"
        return match.group(1) or match.group(2)

    def submit(self, url: str, data: dict | None = None, *, form_url: str | None = None, **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(form_url or url))
        return self.client.post(url, data=data, **kwargs)

    def sign_in(self, email: str, password: str = "correct horse battery"):
        response = self.submit("/sign-in", {"email": email, "password": password})
        assert response.status_code == 302, page_text(response)[:400]
        return response

    def sign_out(self):
        return self.submit("/sign-out", form_url="/")
