"""Signing in and out, rate limits, password reset links and account settings, through HTTP."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import quote, urlsplit

import pytest
from argon2 import PasswordHasher

from marketplace import clock, mail
from marketplace.accounts.models import User
from marketplace.extensions import db

from .factories import PASSWORD
from .helpers import page_text

WRONG = "The email address or password is not right"
TOO_MANY = "You have tried too many times"
NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def person(make):
    return make.user(email="sam@example.com", name="Sam Person")


def signed_in(browser) -> bool:
    """Whether the browser's session is signed in (the account page needs it)."""
    return browser.get("/account").status_code == 200


def sign_in_attempt(browser, email, password, url="/sign-in"):
    return browser.submit(url, {"email": email, "password": password}, form_url="/sign-in")


def reset_link(to: str) -> str:
    """The path of the reset link in the one email sent to ``to``."""
    (message,) = [m for m in mail.outbox() if m.to == to]
    match = re.search(r"http://localhost(/reset-password/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def choose_password(browser, link, password=NEW_PASSWORD, confirm=None, *, form_url=None):
    """Post a new password to ``link``; ``form_url`` is where to get a CSRF token when the link
    shows no form (a refused link), as a person replaying an old form would have one."""
    return browser.submit(link, {"password": password, "confirm": confirm or password}, form_url=form_url)


def request_reset(browser, email="sam@example.com"):
    return browser.submit("/forgot-password", {"email": email})


# --- signing in and out ---------------------------------------------------------

def test_a_person_signs_in_with_their_email_and_password(browser, person):
    response = sign_in_attempt(browser, "sam@example.com", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Hello, Sam Person" in page_text(browser.get("/"))


def test_signing_in_ignores_case_and_spaces_in_the_email(browser, person):
    assert sign_in_attempt(browser, "  SAM@Example.com ", PASSWORD).status_code == 302
    assert signed_in(browser)


def test_signing_out_ends_the_session(browser, person):
    browser.sign_in("sam@example.com")
    response = browser.sign_out()
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    assert not signed_in(browser)
    assert "Find and buy the support in your plan" in page_text(browser.get("/"))


def test_signing_out_needs_the_csrf_token(browser, person):
    browser.sign_in("sam@example.com")
    assert browser.client.post("/sign-out").status_code == 400
    assert signed_in(browser)


def test_a_wrong_password_is_refused_with_a_plain_message(browser, person):
    response = sign_in_attempt(browser, "sam@example.com", "not my password")
    assert response.status_code == 401
    assert WRONG in page_text(response)
    assert not signed_in(browser)


def test_an_unknown_email_gets_exactly_the_same_page_as_a_wrong_password(browser, person):
    wrong_password = page_text(sign_in_attempt(browser, "sam@example.com", "not my password"))
    unknown = sign_in_attempt(browser, "nobody@example.com", "not my password")
    assert unknown.status_code == 401
    assert page_text(unknown) == wrong_password


@pytest.mark.parametrize("email", ["nobody@example.com", "closed@example.com", "invited@example.com"],
                         ids=["unknown", "deactivated", "no-password-yet"])
def test_every_refused_sign_in_costs_one_password_hash_check(browser, make, person, monkeypatch, email):
    """So the time a refusal takes does not tell anyone which addresses have (working) accounts."""
    make.user(email="closed@example.com").is_active_account = False
    make.user(email="invited@example.com", password=None)
    db.session.commit()
    checks = []
    real_verify = PasswordHasher.verify

    def counting_verify(self, hash, password):
        checks.append(hash)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    assert sign_in_attempt(browser, "sam@example.com", "not my password").status_code == 401
    assert len(checks) == 1  # the known account, for comparison
    assert sign_in_attempt(browser, email, PASSWORD).status_code == 401
    assert len(checks) == 2


def test_an_invited_person_without_a_password_cannot_sign_in_with_an_empty_one(browser, make):
    make.user(email="new@example.com", password=None)
    response = sign_in_attempt(browser, "new@example.com", "")
    assert response.status_code == 200  # the form asks for a password
    assert "Enter your password" in page_text(response)
    assert not signed_in(browser)


def test_a_deactivated_account_cannot_sign_in(browser, person):
    person.is_active_account = False
    db.session.commit()
    response = sign_in_attempt(browser, "sam@example.com", PASSWORD)
    assert response.status_code == 401
    assert not signed_in(browser)


def test_signing_in_is_recorded_in_the_event_log(browser, person):
    from marketplace.events.models import Event

    browser.sign_in("sam@example.com")
    event = db.session.scalar(db.select(Event).filter_by(action="account.signed_in"))
    assert event.actor_id == person.id


def test_a_page_that_needs_signing_in_sends_you_to_sign_in_and_back(browser, person):
    response = browser.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    back = sign_in_attempt(browser, "sam@example.com", PASSWORD, url=response.headers["Location"])
    assert back.headers["Location"] == "/account"


def test_next_keeps_a_local_path_with_its_query(browser, person):
    response = sign_in_attempt(browser, "sam@example.com", PASSWORD, url="/sign-in?next=/holders%3Fpage%3D2")
    assert response.headers["Location"] == "/holders?page=2"


@pytest.mark.parametrize("target", [
    "https://evil.example/steal",
    "http:/evil.example",
    "//evil.example/steal",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "javascript:alert(1)",
    "evil.example",
])
def test_next_never_redirects_off_the_site(browser, person, target):
    response = sign_in_attempt(browser, "sam@example.com", PASSWORD, url="/sign-in?next=" + quote(target, safe=""))
    assert response.status_code == 302
    location = response.headers["Location"]
    # What a browser would do with it: backslashes count as slashes, tabs and newlines vanish.
    as_browser_reads_it = re.sub(r"[\t\n\r]", "", location).replace("\\", "/")
    parts = urlsplit(as_browser_reads_it)
    assert location.startswith("/") and parts.scheme == "" and parts.netloc == "", location


# --- rate limits ----------------------------------------------------------------

def test_the_sixth_sign_in_attempt_in_a_minute_is_refused_with_a_clear_message(browser, person):
    for _ in range(5):
        assert sign_in_attempt(browser, "sam@example.com", "not my password").status_code == 401
    response = sign_in_attempt(browser, "sam@example.com", "not my password")
    assert response.status_code == 429
    assert TOO_MANY in page_text(response)


def test_once_limited_even_the_right_password_is_refused(browser, person):
    for _ in range(5):
        sign_in_attempt(browser, "sam@example.com", "not my password")
    assert sign_in_attempt(browser, "sam@example.com", PASSWORD).status_code == 429
    assert not signed_in(browser)


def test_the_sign_in_limit_counts_wrong_passwords_on_different_emails_from_one_address(browser, person):
    for n in range(12):  # TestingConfig.SIGNIN_ADDRESS_LIMIT
        sign_in_attempt(browser, f"guess{n}@example.com", "not my password")
    assert sign_in_attempt(browser, "sam@example.com", PASSWORD).status_code == 429


def test_the_sign_in_limit_counts_wrong_passwords_on_one_email_from_different_addresses(browser, person):
    for n in range(8):  # TestingConfig.SIGNIN_ACCOUNT_LIMIT
        browser.submit("/sign-in", {"email": "sam@example.com", "password": "not my password"},
                       environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"})
    response = browser.submit("/sign-in", {"email": "sam@example.com", "password": PASSWORD},
                              environ_base={"REMOTE_ADDR": "203.0.113.99"})
    assert response.status_code == 429


def test_the_fourth_reset_request_in_a_minute_is_refused_with_a_clear_message(browser, person):
    for _ in range(3):
        assert request_reset(browser).status_code == 200
    response = request_reset(browser)
    assert response.status_code == 429
    assert TOO_MANY in page_text(response)
    assert len(mail.outbox()) == 3


# --- password reset ----------------------------------------------------------------

def test_asking_for_a_reset_emails_a_link(browser, person):
    response = request_reset(browser)
    assert "Check your email" in page_text(response)
    (message,) = mail.outbox()
    assert message.to == "sam@example.com"
    assert message.subject == "Reset your Support Market password"
    assert reset_link("sam@example.com").startswith("/reset-password/")


def test_asking_for_a_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(browser, person):
    known = page_text(request_reset(browser, "sam@example.com")).replace("sam@example.com", "EMAIL")
    unknown = page_text(request_reset(browser, "nobody@example.com")).replace("nobody@example.com", "EMAIL")
    assert unknown == known
    assert [m.to for m in mail.outbox()] == ["sam@example.com"]


def test_the_reset_link_lets_you_choose_a_new_password_and_signs_you_in(browser, person, client):
    from .helpers import Browser

    request_reset(browser)
    stranger = Browser(client)  # the link works in any browser: it is the proof
    link = reset_link("sam@example.com")
    assert "Choose a new password" in page_text(stranger.get(link))
    response = choose_password(stranger, link)
    assert response.status_code == 302
    assert signed_in(stranger)
    stranger.sign_out()
    assert sign_in_attempt(stranger, "sam@example.com", PASSWORD).status_code == 401
    assert sign_in_attempt(stranger, "sam@example.com", NEW_PASSWORD).status_code == 302


def test_a_reset_link_works_only_once(browser, person):
    request_reset(browser)
    link = reset_link("sam@example.com")
    choose_password(browser, link)
    browser.sign_out()
    again = browser.get(link)
    assert again.status_code == 400
    assert "already been used" in page_text(again)
    assert choose_password(browser, link, "yet another passphrase", form_url="/sign-in").status_code == 400
    assert sign_in_attempt(browser, "sam@example.com", NEW_PASSWORD).status_code == 302


def test_a_reset_link_works_until_an_hour_has_passed(browser, person):
    with clock.frozen(datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)) as frozen:
        request_reset(browser)
        frozen.advance(minutes=59, seconds=59)
        assert browser.get(reset_link("sam@example.com")).status_code == 200


def test_a_reset_link_expires_after_one_hour(browser, person):
    with clock.frozen(datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)) as frozen:
        request_reset(browser)
        link = reset_link("sam@example.com")
        frozen.advance(hours=1, seconds=1)
        response = browser.get(link)
        assert response.status_code == 400
        assert "expired" in page_text(response)
        assert choose_password(browser, link, form_url="/sign-in").status_code == 400
    assert sign_in_attempt(browser, "sam@example.com", NEW_PASSWORD).status_code == 401


@pytest.mark.parametrize("position", [5, 20, -10])
def test_a_tampered_reset_link_is_refused(browser, person, position):
    request_reset(browser)
    link = reset_link("sam@example.com")
    prefix = len("/reset-password/")
    index = position if position < 0 else prefix + position
    tampered = link[:index] + ("A" if link[index] != "A" else "B") + link[index + 1:]
    response = browser.get(tampered)
    assert response.status_code == 400
    assert "not valid" in page_text(response)


def test_an_invitation_link_cannot_be_used_as_a_reset_link(browser, make):
    from marketplace.accounts.tokens import INVITATION, make_token

    invited = make.user(email="new@example.com", password=None)
    token = make_token(invited, INVITATION)
    assert browser.get(f"/reset-password/{token}").status_code == 400


def test_a_reset_link_stops_working_when_the_account_is_deactivated(browser, person):
    request_reset(browser)
    link = reset_link("sam@example.com")
    person.is_active_account = False
    db.session.commit()
    assert browser.get(link).status_code == 400
    assert choose_password(browser, link, form_url="/sign-in").status_code == 400
    db.session.expire_all()
    assert db.session.get(User, person.id).password_hash == person.password_hash


def test_a_new_password_must_be_long_enough(browser, person):
    request_reset(browser)
    response = choose_password(browser, reset_link("sam@example.com"), "short")
    assert response.status_code == 200
    assert "at least 12 characters" in page_text(response)
    assert not signed_in(browser)


def test_a_new_password_must_be_typed_the_same_twice(browser, person):
    request_reset(browser)
    response = choose_password(browser, reset_link("sam@example.com"), NEW_PASSWORD, "a different passphrase")
    assert "The two passwords do not match" in page_text(response)
    assert not signed_in(browser)


# --- account settings ---------------------------------------------------------------

def save_details(browser, name, phone=""):
    return browser.submit("/account", {
        "details-csrf_token": browser.csrf_token("/account"),
        "details-name": name, "details-phone": phone, "details-submit": "Save details",
    })


def change_password(browser, current, new, confirm=None):
    return browser.submit("/account", {
        "password-csrf_token": browser.csrf_token("/account"),
        "password-current": current, "password-password": new, "password-confirm": confirm or new,
        "password-submit": "Change password",
    })


def test_a_person_changes_their_name_in_account_settings(browser, person):
    browser.sign_in("sam@example.com")
    response = save_details(browser, "Samira Person", "0161 000 0000")
    assert response.status_code == 302
    assert "Hello, Samira Person" in page_text(browser.get("/"))
    db.session.expire_all()
    assert db.session.get(User, person.id).phone == "0161 000 0000"


def test_a_name_cannot_be_emptied(browser, person):
    browser.sign_in("sam@example.com")
    response = save_details(browser, "")
    assert "Enter your name" in page_text(response)
    db.session.expire_all()
    assert db.session.get(User, person.id).name == "Sam Person"


def test_a_name_of_only_spaces_is_refused(browser, person):
    browser.sign_in("sam@example.com")
    response = save_details(browser, "   ")
    assert "Enter your name" in page_text(response)
    db.session.expire_all()
    assert db.session.get(User, person.id).name == "Sam Person"


def test_a_person_changes_their_password_with_their_current_one(browser, person):
    browser.sign_in("sam@example.com")
    assert change_password(browser, PASSWORD, NEW_PASSWORD).status_code == 302
    browser.sign_out()
    assert sign_in_attempt(browser, "sam@example.com", PASSWORD).status_code == 401
    assert sign_in_attempt(browser, "sam@example.com", NEW_PASSWORD).status_code == 302


def test_changing_password_with_a_wrong_current_password_is_refused(browser, person):
    browser.sign_in("sam@example.com")
    response = change_password(browser, "not my password", NEW_PASSWORD)
    assert response.status_code == 200
    assert "Your current password is not right" in page_text(response)
    browser.sign_out()
    assert sign_in_attempt(browser, "sam@example.com", PASSWORD).status_code == 302


def test_account_settings_need_signing_in(client):
    assert client.get("/account").headers["Location"].startswith("/sign-in")
