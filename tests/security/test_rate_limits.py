"""Hole 6: limits that stop guessing without locking out the people they protect.

TestingConfig: 5 wrong passwords a minute per browser or per email and address, 8 per email from
browsers never used for it, 12 per network address; 3 current-password checks a minute; 30 searches
and 3 anonymous forms a minute per address; 3 reset emails an hour to one account.
"""
from __future__ import annotations

from datetime import datetime, timezone

from marketplace import clock, mail
from marketplace.auth.throttle import DEVICE_COOKIE

from ..factories import PASSWORD
from ..helpers import Browser, page_text

WRONG = "not my password"


def _attempt(browser, email, password, address="198.51.100.7"):
    return browser.submit("/sign-in", {"email": email, "password": password}, environ_base={"REMOTE_ADDR": address})


def _device_cookie(browser):
    return browser.client.get_cookie(DEVICE_COOKIE, path="/sign-in")


def test_a_strangers_wrong_guesses_do_not_lock_the_owner_out_of_their_own_browser(app, make):
    make.user(email="sam@example.com")
    owner = Browser(app.test_client())
    owner.sign_in("sam@example.com", PASSWORD)
    owner.sign_out()
    stranger = Browser(app.test_client())
    for n in range(20):
        _attempt(stranger, "sam@example.com", WRONG, address=f"203.0.113.{n + 1}")
    assert _attempt(stranger, "sam@example.com", PASSWORD, address="203.0.113.200").status_code == 429

    assert _attempt(owner, "sam@example.com", PASSWORD).status_code == 302


def test_the_owners_own_browser_is_still_limited_for_itself(app, make):
    make.user(email="sam@example.com")
    owner = Browser(app.test_client())
    owner.sign_in("sam@example.com", PASSWORD)
    owner.sign_out()
    for _ in range(5):
        assert _attempt(owner, "sam@example.com", WRONG).status_code == 401
    assert _attempt(owner, "sam@example.com", PASSWORD).status_code == 429


def test_a_browser_trusted_for_one_account_is_a_stranger_to_another(app, make):
    make.user(email="sam@example.com")
    make.user(email="kim@example.com")
    browser = Browser(app.test_client())
    browser.sign_in("sam@example.com", PASSWORD)
    browser.sign_out()
    for _ in range(5):
        _attempt(browser, "kim@example.com", WRONG)
    assert _attempt(browser, "kim@example.com", PASSWORD).status_code == 429


def test_a_forged_device_cookie_is_not_trusted(app, make):
    make.user(email="sam@example.com")
    browser = Browser(app.test_client())
    browser.client.set_cookie(DEVICE_COOKIE, '{"user": 1, "device": "mine"}', path="/sign-in")
    for _ in range(5):
        _attempt(browser, "sam@example.com", WRONG)
    assert _attempt(browser, "sam@example.com", PASSWORD).status_code == 429


def test_signing_in_marks_the_browser_with_a_signed_http_only_cookie_for_the_sign_in_page(app, make):
    make.user(email="sam@example.com")
    browser = Browser(app.test_client())
    browser.sign_in("sam@example.com", PASSWORD)
    cookie = _device_cookie(browser)
    assert cookie is not None and cookie.http_only and cookie.path == "/sign-in"
    assert "sam@example.com" not in cookie.value


def test_a_busy_office_behind_one_address_all_signs_in_at_nine(app, make):
    people = [make.user(email=f"officer{n}@example.com") for n in range(30)]
    for person in people:
        browser = Browser(app.test_client())
        assert _attempt(browser, person.email, PASSWORD, address="192.0.2.10").status_code == 302


def test_reset_emails_to_one_account_are_capped_whoever_asks_and_the_page_does_not_say(app, make):
    make.user(email="sam@example.com")
    with clock.frozen(datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)) as frozen:
        pages = []
        for n in range(5):
            browser = Browser(app.test_client())
            pages.append(page_text(browser.submit("/forgot-password", {"email": "sam@example.com"},
                                                  environ_base={"REMOTE_ADDR": f"203.0.113.{n + 1}"})))
        assert len(mail.outbox()) == 3
        assert len(set(pages)) == 1 and "Check your email" in pages[0]
        frozen.advance(minutes=61)
        Browser(app.test_client()).submit("/forgot-password", {"email": "sam@example.com"})
        assert len(mail.outbox()) == 4


def test_the_current_password_check_on_the_account_page_is_limited(app, make):
    make.user(email="sam@example.com")
    browser = Browser(app.test_client())
    browser.sign_in("sam@example.com", PASSWORD)

    def check(current):
        return browser.submit("/account", {"password-current": current, "password-password": "a brand new passphrase",
                                           "password-confirm": "a brand new passphrase", "password-submit": "Change password"})

    for _ in range(3):
        assert "Your current password is not right" in page_text(check(WRONG))
    assert check(PASSWORD).status_code == 429


def test_saving_details_on_the_account_page_is_not_limited(app, make):
    make.user(email="sam@example.com")
    browser = Browser(app.test_client())
    browser.sign_in("sam@example.com", PASSWORD)
    for n in range(6):
        response = browser.submit("/account", {"details-name": f"Sam {n}", "details-phone": "", "details-submit": "Save"})
        assert response.status_code == 302


def test_search_is_limited_per_address(app, client):
    for _ in range(30):
        assert client.get("/catalogue?q=garden", environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 200
    assert client.get("/catalogue?q=garden", environ_base={"REMOTE_ADDR": "203.0.113.5"}).status_code == 429
    assert client.get("/catalogue?q=garden", environ_base={"REMOTE_ADDR": "203.0.113.6"}).status_code == 200


def test_tell_us_what_you_need_is_limited_per_address(app, make):
    make.council()
    browser = Browser(app.test_client())
    for n in range(3):
        response = browser.submit("/catalogue/tell-us", {"query": "gardening", "description": f"need {n}", "area": ""},
                                  form_url="/catalogue?q=gardening")
        assert response.status_code < 400
    response = browser.submit("/catalogue/tell-us", {"query": "gardening", "description": "again", "area": ""},
                              form_url="/catalogue?q=gardening")
    assert response.status_code == 429


def test_community_suggestions_are_limited_per_address(app, make):
    make.council()
    browser = Browser(app.test_client())
    for _ in range(3):
        assert browser.submit("/catalogue/community/suggest", {}).status_code == 200
    assert browser.submit("/catalogue/community/suggest", {}).status_code == 429


def test_an_app_made_with_limits_off_does_not_turn_them_off_for_the_next(database, tmp_path):
    """Flask-Limiter has one Limiter for every app in the process, and takes an app's unset
    RATELIMIT_ENABLED from the app before it: the settings say it for every app."""
    from marketplace.extensions import limiter

    from ..conftest import make_app

    make_app(database, tmp_path / "off", RATELIMIT_ENABLED=False)
    assert limiter.enabled is False
    node = make_app(database, tmp_path / "on")
    assert node.config["RATELIMIT_ENABLED"] is True and limiter.enabled is True
