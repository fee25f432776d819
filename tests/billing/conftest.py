"""Billing fixtures: a market ready to invoice, the fake Stripe server (localstripe) started for the
run on a free port, a recording Stripe stand-in for what localstripe does not know (Connect,
idempotency keys), and a webhook secret.

The clock is frozen on Monday 16 November 2026, 9am (London is on GMT): the plan year runs from
1 April 2026 to 31 March 2027, and a one-off order is delivered on the day it is placed.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from marketplace import clock

from ..helpers import Browser
from .support import WEBHOOK_SECRET, StripeStub, build_market, configured

NOW = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)
STRIPE_KEY = "sk_test_billing_tests"


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def market(make):
    """A builder: ``market(council=..., deployment=..., invoicing=..., stripe_account_id=...)``."""
    return build_market


@pytest.fixture
def jo(market):
    """Jo, a direct-payment holder in Aldermoor (invoices are approved by a person), and her provider."""
    return market()


@pytest.fixture
def signed_in(app):
    """``signed_in(user)``: a browser of its own, signed in as ``user``."""
    def sign_in(user) -> Browser:
        browser = Browser(app.test_client())
        browser.sign_in(user.email)
        return browser
    return sign_in


# --- localstripe: the real ``stripe`` library against a fake, stateful Stripe -------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_answering(port: int, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"localstripe did not answer on port {port} within {timeout:.0f}s")


@pytest.fixture(scope="session")
def localstripe_url(tmp_path_factory):
    """localstripe started once for the run on a free local port, and stopped at the end."""
    executable = Path(sys.executable).parent / "localstripe"
    if not executable.exists():
        pytest.skip(f"localstripe is not installed next to {sys.executable}")
    port = _free_port()
    log = (tmp_path_factory.mktemp("localstripe") / "localstripe.log").open("w")
    process = subprocess.Popen([str(executable), "--port", str(port), "--from-scratch"], stdout=log,
                               stderr=subprocess.STDOUT)
    try:
        _wait_until_answering(port, process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def localstripe(app, localstripe_url):
    """The app talks to localstripe for this test."""
    with configured(app, STRIPE_SECRET_KEY=STRIPE_KEY, STRIPE_API_BASE=localstripe_url):
        yield localstripe_url


# --- a recording stand-in for the Stripe API ------------------------------------------

@pytest.fixture
def stripe_stub(app):
    """The app talks to a StripeStub for this test; ``stub.requests`` is what the library sent."""
    with StripeStub() as stub, configured(app, STRIPE_SECRET_KEY=STRIPE_KEY, STRIPE_API_BASE=stub.url):
        yield stub


@pytest.fixture
def webhook_secret(app):
    with configured(app, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET):
        yield WEBHOOK_SECRET
