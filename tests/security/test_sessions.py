"""Hole 4: a session ends when its person signs out, changes their password or resets it, and a
browser's session is made new at sign-in."""
from __future__ import annotations

import re

from marketplace import mail

from ..factories import PASSWORD
from ..helpers import Browser

NEW = "a brand new passphrase"


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def _browser(app, email=None) -> Browser:
    browser = Browser(app.test_client())
    if email:
        browser.sign_in(email)
    return browser


def _copy_cookie(source: Browser, app) -> Browser:
    """Another browser holding a copy of ``source``'s session cookie (as a thief would)."""
    thief = Browser(app.test_client())
    cookie = source.client.get_cookie("session")
    thief.client.set_cookie("session", cookie.value, domain=cookie.domain)
    return thief


def test_a_copied_session_cookie_stops_working_when_its_person_signs_out(app, make):
    person = make.user(email="sam@example.com")
    owner = _browser(app, person.email)
    thief = _copy_cookie(owner, app)
    assert _signed_in(thief)
    owner.sign_out()
    assert not _signed_in(thief)
    assert not _signed_in(owner)


def test_changing_the_password_signs_out_every_other_browser_but_this_one(app, make):
    person = make.user(email="sam@example.com")
    here, elsewhere = _browser(app, person.email), _browser(app, person.email)
    response = here.submit("/account", {"password-current": PASSWORD, "password-password": NEW, "password-confirm": NEW,
                                        "password-submit": "Change password"})
    assert response.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


def test_resetting_the_password_signs_out_every_browser(app, make):
    person = make.user(email="sam@example.com")
    elsewhere = _browser(app, person.email)
    visitor = _browser(app)
    visitor.submit("/forgot-password", {"email": "sam@example.com"})
    (message,) = [m for m in mail.outbox() if m.to == "sam@example.com"]
    link = re.search(r"http://localhost(/reset-password/\S+)", message.body).group(1)
    visitor.submit(link, {"password": NEW, "confirm": NEW})
    assert _signed_in(visitor)
    assert not _signed_in(elsewhere)


def test_the_session_from_before_sign_in_is_not_the_signed_in_session(app, make):
    """A session cookie planted in a browser before its person signs in never becomes theirs."""
    person = make.user(email="sam@example.com")
    victim = _browser(app)
    victim.get("/sign-in")
    planted = _copy_cookie(victim, app)
    victim.sign_in(person.email)
    assert victim.client.get_cookie("session").value != planted.client.get_cookie("session").value
    assert not _signed_in(planted)
