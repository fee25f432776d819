"""Hole 11: production refuses unsafe settings, tells browsers to use https only, and no page or
file with someone's data is kept in a browser's or proxy's cache."""
from __future__ import annotations

import pytest

import config as app_config
from marketplace.app import create_app
from marketplace.extensions import db

from ..billing.support import fresh, read

GOOD_KEY = "0f9c2b7e4d1a8c6b3e5f7a9d2c4b6e8f1a3c5e7b9d0f2a4c"


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://market.example.org")
    return monkeypatch


@pytest.mark.parametrize("key", ["", "x", "secret", "a" * 64, app_config.DEV_SECRET_KEY])
def test_production_will_not_start_with_a_weak_secret_key(production_env, key):
    production_env.setenv("SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be a long random value"):
        app_config.config_for("production")


@pytest.mark.parametrize("url", ["", "http://market.example.org", "https://", "https://market.example.org/sub"])
def test_production_will_not_start_without_its_https_public_address(production_env, url):
    production_env.setenv("PUBLIC_BASE_URL", url)
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL must be the site's https address"):
        app_config.config_for("production")


def test_production_starts_with_good_settings_and_sends_hsts_and_secure_cookies(production_env, database, tmp_path):
    assert app_config.config_for("production") is app_config.ProductionConfig
    app = create_app({"SQLALCHEMY_DATABASE_URI": database.url, "SQLALCHEMY_ENGINE_OPTIONS": database.engine_options,
                      "SEARCH_INDEX_DIR": str(tmp_path / "index"), "TRUSTED_HOSTS": ["market.example.org"]}, env="production")
    with app.app_context():
        response = app.test_client().get("/pages/accessibility", base_url="https://market.example.org")
        db.engine.dispose()
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_a_signed_in_page_and_an_invoice_pdf_are_never_stored(market, signed_in):
    jo = market()
    invoice = jo.invoice()
    browser = signed_in(jo.holder_user)
    for url in ("/account", f"/invoices/{invoice.id}", f"/invoices/{invoice.id}.pdf"):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url


def test_a_public_page_for_someone_not_signed_in_may_be_cached(client):
    assert "no-store" not in client.get("/pages/accessibility").headers.get("Cache-Control", "")


def test_a_manual_payment_dated_in_year_9999_is_refused(market, signed_in):
    jo = market()
    invoice = jo.invoice()
    browser = signed_in(jo.holder_user)
    browser.submit(f"/invoices/{invoice.id}/approve", form_url=f"/invoices/{invoice.id}")
    response = browser.submit(f"/invoices/{invoice.id}/pay/manual",
                              {"method": "bacs", "reference": "BACS 1", "paid_on": ["31", "12", "9999"]},
                              form_url=f"/invoices/{invoice.id}")
    assert response.status_code == 200
    assert "Enter a date on or before 16 November 2026" in read(response)
    assert fresh(invoice).status != "paid"
