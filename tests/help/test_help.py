"""Help pages: the default text until a council saves its own; administrators of that council save
versions that are sanitised, kept and restorable; nobody else may edit; CSRF is required; easy read."""
from __future__ import annotations

import pytest

from marketplace.accounts import roles as R
from marketplace.extensions import db
from marketplace.help import content, service
from marketplace.help.models import HelpPageVersion

from .. import factories
from ..helpers import Browser, page_text

HOSTILE = ('<h2>Ask first</h2><p onclick="steal()">Ask your <strong>care coordinator</strong>.</p>'
           '<script>alert("x")</script><a href="javascript:alert(1)">Click me</a> '
           '<a href="https://example.org/help">More help</a> <a href="mailto:help@example.org">Email us</a>')


@pytest.fixture
def world(make):
    aldermoor, birchley = factories.council("aldermoor"), factories.council("birchley")
    admin = factories.user(R.ADMINISTRATOR, aldermoor, name="Ada Admin")
    return {"aldermoor": aldermoor, "birchley": birchley, "admin": admin}


def signed_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(user.email)
    return browser


def test_a_visitor_chooses_a_council_and_reads_the_default_text(world, client):
    assert "Aldermoor Council" in page_text(client.get("/help"))
    listing = page_text(client.get("/help?council=aldermoor"))
    assert "What a personal budget can be spent on" in listing
    page = client.get("/help/spending?council=aldermoor")
    assert page.status_code == 200
    text = page_text(page)
    assert "legal, safe and helps you reach an outcome" in text
    assert "Examples of what people buy" in text  # the council's spend categories, beside the text


def test_the_underspend_page_gives_the_councils_own_rule(world, client):
    assert "Aldermoor asks for money back only when you hold more than 10 weeks of payments" in page_text(
        client.get("/help/underspend?council=aldermoor"))
    assert "Birchley lets you keep 4 weeks of payments" in page_text(client.get("/help/underspend?council=birchley"))


def test_easy_read_switch(world, client):
    standard = client.get("/help/spending?council=aldermoor").get_data(as_text=True)
    assert "Read this in easy read" in standard
    easy = client.get("/help/spending?council=aldermoor&version=easy")
    assert easy.status_code == 200
    assert "It must be legal." in page_text(easy)
    assert "Read the standard version" in page_text(easy)


def test_unknown_topic_reading_or_council_is_not_found(world, client):
    assert client.get("/help/nothing-here?council=aldermoor").status_code == 404
    assert client.get("/help/spending?council=aldermoor&version=hard").status_code == 404
    assert client.get("/help?council=nowhere").status_code == 404


def test_an_administrator_saves_a_version_without_scripts_handlers_or_javascript_links(world, app):
    browser = signed_in(app, world["admin"])
    done = browser.submit("/help/getting-help/edit", {"body": HOSTILE})
    assert done.status_code == 302
    stored = db.session.scalar(db.select(HelpPageVersion))
    assert stored.author_id == world["admin"].id and stored.topic == "getting-help" and stored.reading == "standard"
    for bad in ("<script", "alert", "onclick", "javascript:"):
        assert bad not in stored.body
    assert '<a href="https://example.org/help">' in stored.body and 'href="mailto:help@example.org"' in stored.body
    html = browser.get("/help/getting-help?council=aldermoor").get_data(as_text=True)
    for bad in ("<script>alert", "onclick", "javascript:", "steal()"):
        assert bad not in html
    assert "Ask your" in html and "care coordinator" in html
    assert "Ask your care coordinator first" not in html  # the default is replaced
    # Birchley still shows the default text, and the easy read version is untouched
    other = page_text(browser.get("/help/getting-help?council=birchley"))
    assert "contact your care coordinator first" in other
    assert "Ask your care coordinator." in page_text(browser.get("/help/getting-help?council=aldermoor&version=easy"))


def test_the_easy_read_version_is_edited_on_its_own(world, app):
    browser = signed_in(app, world["admin"])
    assert browser.submit("/help/carers/edit?version=easy", {"body": "<p>Carers matter.</p>"}).status_code == 302
    assert "Carers matter." in page_text(browser.get("/help/carers?council=aldermoor&version=easy"))
    assert "Carers matter." not in page_text(browser.get("/help/carers?council=aldermoor"))


def test_versions_are_kept_and_an_old_one_restored_as_a_new_version(world, app):
    browser = signed_in(app, world["admin"])
    browser.submit("/help/carers/edit", {"body": "<p>First words.</p>"})
    browser.submit("/help/carers/edit", {"body": "<p>Second words.</p>"})
    assert "Second words." in page_text(browser.get("/help/carers?council=aldermoor"))
    history = page_text(browser.get("/help/carers/history"))
    assert "First words." in history and "Second words." in history and "Ada Admin" in history
    first = db.session.scalar(db.select(HelpPageVersion).filter_by(body="<p>First words.</p>"))
    restored = browser.submit(f"/help/versions/{first.id}/restore", form_url="/help/carers/history")
    assert restored.status_code == 302
    db.session.expire_all()
    versions = service.history(world["aldermoor"], "carers", "standard")
    assert [v.body for v in versions] == ["<p>First words.</p>", "<p>Second words.</p>", "<p>First words.</p>"]
    assert versions[0].restored_from_id == first.id
    assert "First words." in page_text(browser.get("/help/carers?council=aldermoor"))


def test_an_empty_text_is_refused_without_saving(world, app):
    browser = signed_in(app, world["admin"])
    refused = browser.submit("/help/carers/edit", {"body": "<script>only()</script>"})
    assert refused.status_code == 200 and "Write the text of the page" in page_text(refused)
    assert db.session.scalar(db.select(db.func.count(HelpPageVersion.id))) == 0


@pytest.mark.parametrize("who", ["other_admin", "holder"])
def test_others_cannot_edit(world, app, who):
    person = (factories.user(R.ADMINISTRATOR, world["birchley"]) if who == "other_admin"
              else factories.user(R.HOLDER, world["aldermoor"]))
    mine = service.save(world["admin"], world["aldermoor"], "carers", "standard", "<p>Ours.</p>")
    browser = signed_in(app, person)
    if who == "other_admin":  # in their own council they may; in Aldermoor's version, not
        assert browser.get("/help/carers/edit").status_code == 200
        assert browser.client.post(f"/help/versions/{mine.id}/restore").status_code in (400, 403)
        token = browser.csrf_token("/help/carers/edit")
        assert browser.client.post(f"/help/versions/{mine.id}/restore", data={"csrf_token": token}).status_code == 403
    else:
        assert browser.get("/help/carers/edit").status_code == 403
        assert browser.client.post("/help/carers/edit", data={"body": "<p>Mine.</p>"}).status_code in (400, 403)
        assert browser.get("/help/carers/history").status_code == 403
        assert browser.client.post(f"/help/versions/{mine.id}/restore").status_code in (400, 403)
    assert db.session.scalar(db.select(db.func.count(HelpPageVersion.id))) == 1


def test_an_anonymous_visitor_is_sent_to_sign_in(world, client):
    for url in ("/help/carers/edit", "/help/carers/history"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/sign-in" in answer.headers["Location"]
    assert client.post("/help/versions/1/restore").status_code in (302, 400)


def test_csrf_is_required(world, app):
    browser = signed_in(app, world["admin"])
    assert browser.client.post("/help/carers/edit", data={"body": "<p>No token.</p>"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count(HelpPageVersion.id))) == 0


def test_every_topic_has_both_readings_and_its_defaults_are_already_clean():
    for topic in content.TOPICS:
        for reading in content.READINGS:
            text = content.default_text(topic, reading)
            assert service.clean(text) == text.strip(), (topic, reading)


def test_bad_input_never_breaks_a_page(world, app, client):
    browser = signed_in(app, world["admin"])
    too_long = browser.submit("/help/carers/edit", {"body": "<p>" + "a" * (service.BODY_MAX + 10) + "</p>"})
    assert too_long.status_code == 200 and "Error:" in too_long.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(HelpPageVersion.id))) == 0
    token = browser.csrf_token("/help/carers/edit")
    assert browser.client.post("/help/versions/999999/restore", data={"csrf_token": token}).status_code == 404
    assert browser.get("/help/carers/edit?version=%00").status_code == 404
    assert client.get("/help/spending?council=" + "x" * 5000).status_code == 404
    assert client.get("/help/" + "%3Cscript%3E").status_code == 404
