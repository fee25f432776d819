"""Hole 1: links in emails are built on the configured public address, never on the Host a request
claims, and requests for a host the site does not answer to are refused."""
from __future__ import annotations

import re

import pytest

from marketplace import mail
from marketplace.extensions import db

from ..conftest import make_app


@pytest.fixture
def person(make):
    return make.user(email="sam@example.com", name="Sam Person")


def _links(to: str) -> list[str]:
    return [link for m in mail.outbox() if m.to == to for link in re.findall(r"https?://\S+", m.body)]


def _forgot(client, email="sam@example.com", **headers):
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/forgot-password", headers=headers)
                      .get_data(as_text=True)).group(1)
    return client.post("/forgot-password", data={"email": email, "csrf_token": token}, headers=headers)


def test_a_request_for_a_host_the_site_does_not_answer_to_is_refused(client, person):
    response = client.get("/forgot-password", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert _links("sam@example.com") == []


def test_the_reset_link_is_on_the_public_address_whatever_trusted_host_was_asked(database, tmp_path, person):
    """Without SERVER_NAME (as in production) a link once took the host of the request."""
    app = make_app(database, tmp_path, SERVER_NAME=None)
    with app.app_context():
        _forgot(app.test_client(), Host="127.0.0.1")
        (link,) = _links("sam@example.com")
    assert link.startswith("http://localhost/reset-password/")


def test_behind_the_proxy_a_forged_forwarded_host_is_refused(database, tmp_path, person):
    app = make_app(database, tmp_path, PROXY_FIX=True, SERVER_NAME=None)
    client = app.test_client()
    response = client.get("/forgot-password", headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 400


def test_a_notification_email_links_to_the_public_address(app, make, client):
    from marketplace.notifications.service import notify

    person = make.user(email="pat@example.com")
    with app.test_request_context("/", headers={"Host": "127.0.0.1"}):
        notify(person, "Hello", "Something happened.", "/orders/1")
        db.session.commit()  # the email is sent once the notification is committed
    assert _links("pat@example.com") == ["http://localhost/orders/1"]
