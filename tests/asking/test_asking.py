"""Asking for support: the person's small steps saved as they go, sending, the private link, the case
timeline (stage, who it waits on, by when, from the council's timescales), the council's moves, and the
request becoming the holder's record with nothing typed again."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from marketplace import clock
from marketplace.accounts import roles as R
from marketplace.asking import service, timeline
from marketplace.asking.models import SupportRequest
from marketplace.errors import DomainError, NotAllowed
from marketplace.extensions import db
from marketplace.holders.models import Holder
from marketplace.mail import outbox

from .. import factories
from ..helpers import Browser, page_text

NOW = datetime(2026, 11, 30, 10, 0, tzinfo=timezone.utc)  # a Monday
ANSWERS = {
    "about-them": {"name": "Jo Bloggs", "date_of_birth": ["3", "4", "1971"],
                   "address": "12 Mill Lane\nAldermoor", "postcode": "al1 2ab", "email": "jo@example.org",
                   "phone": "0161 496 0000"},
    "about-you": {"asker_name": "Sam Bloggs", "asker_relationship": "Her son", "asker_email": "sam@example.org",
                  "consent": "agreed"},
    "contact": {"preferred_contact": "email", "access_needs": ["large_print", "someone_with_me"],
                "access_other": "Afternoons are better"},
    "situation": {"situation": "Since her fall Jo cannot get out to the shops or see friends.", "urgent": "y"},
}


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW) as frozen:
        yield frozen


@pytest.fixture
def world(make):
    aldermoor, birchley = factories.council("aldermoor"), factories.council("birchley")
    return {"aldermoor": aldermoor, "birchley": birchley,
            "coordinator": factories.user(R.CARE_COORDINATOR, aldermoor, name="Cath Coordinator"),
            "elsewhere": factories.user(R.CARE_COORDINATOR, birchley, name="Bea Birchley")}


def signed_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(user.email)
    return browser


def _token_from(response) -> str:
    match = re.search(r"/ask/([^/]+)/", response.headers["Location"])
    assert match, response.headers.get("Location")
    return match.group(1)


def _sent(council, **changes) -> SupportRequest:
    """A request sent through the service, as the web journey sends one."""
    found = service.start(council, "assessment", "myself")
    service.save(found, "about-them", {"name": "Jo Bloggs", "postcode": "AL1 2AB", "email": "jo@example.org",
                                       "date_of_birth": date(1971, 4, 3), "address": "12 Mill Lane", "phone": "0161 496 0000"})
    service.save(found, "contact", {"preferred_contact": "email", "access_needs": ["easy_read"], "access_other": None})
    service.save(found, "situation", {"situation": "I cannot manage the stairs.", "urgent": False})
    for field, value in changes.items():
        setattr(found, field, value)
    service.submit(found)
    return found


def test_someone_asks_for_another_person_in_steps_saving_as_they_go_and_sends(world, app):
    visitor = Browser(app.test_client())
    assert "Aldermoor Council" in page_text(visitor.get("/ask"))
    started = visitor.submit("/ask?council=aldermoor", {"kind": "assessment", "for_whom": "someone_else"})
    assert started.status_code == 302
    token = _token_from(started)
    steps = visitor.submit(f"/ask/{token}/about-them", ANSWERS["about-them"])
    assert steps.headers["Location"].endswith(f"/ask/{token}/about-you")
    # Leaving half-way keeps what was typed, and the private link brings it back.
    later = visitor.submit(f"/ask/{token}/about-you", {**ANSWERS["about-you"], "later": "y"})
    assert later.headers["Location"].endswith(f"/ask/{token}")
    draft = db.session.scalar(db.select(SupportRequest))
    assert (draft.status, draft.name, draft.asker_name, draft.consent) == ("draft", "Jo Bloggs", "Sam Bloggs", "agreed")
    assert draft.consent_recorded_at is not None and draft.postcode == "AL1 2AB"
    assert "You have not sent this request yet" in page_text(Browser(app.test_client()).get(f"/ask/{token}"))
    for step in ("contact", "situation"):
        visitor.submit(f"/ask/{token}/{step}", ANSWERS[step])
    check = page_text(visitor.get(f"/ask/{token}/check"))
    assert "Large print; Someone with me when we meet; Afternoons are better" in check
    sent = visitor.submit(f"/ask/{token}/check", {})
    assert sent.status_code == 302
    db.session.refresh(draft)
    assert draft.status == "submitted" and draft.waiting_on == "council"
    assert draft.expected_by == date(2026, 12, 3)  # Aldermoor answers within 3 working days of Monday 30 November
    mail = outbox()[-1]
    assert mail.to == "sam@example.org" and draft.reference in mail.subject and f"/ask/{token}" in mail.body
    page = page_text(visitor.get(f"/ask/{token}"))
    assert "Waiting on the council , expected by 3 December 2026" in page
    # Once sent, the steps no longer change it.
    assert visitor.submit(f"/ask/{token}/situation", {"situation": "changed"},
                          form_url="/ask?council=aldermoor").status_code == 302
    db.session.refresh(draft)
    assert draft.situation.startswith("Since her fall")


def test_nothing_is_sent_until_the_needed_answers_are_there(world, app):
    found = service.start(world["aldermoor"], "assessment", "someone_else")
    with pytest.raises(DomainError):
        service.submit(found)
    gaps = [message for _step, message in service.missing(found)]
    assert "Tell us whether the person has agreed that you ask for them" in gaps
    visitor = Browser(app.test_client())
    token = service.tracking_token(found)
    page = visitor.get(f"/ask/{token}/check")
    assert page.status_code == 200 and "Some answers are needed before you can send" in page_text(page)
    assert found.status == "draft"


def test_the_timeline_follows_the_case_with_who_it_waits_on_and_by_when(world):
    coordinator = world["coordinator"]
    found = _sent(world["aldermoor"])
    now = [s for s in timeline.stages(found) if s.state == "now"]
    assert [(s.key, s.waiting_on, s.expected_by) for s in now] == [("submitted", "the council", date(2026, 12, 3))]
    service.ask_more(coordinator, found, "Do you live alone?")
    assert (found.status, found.waiting_on, found.expected_by) == ("more_info", "person", date(2026, 12, 14))
    assert timeline.stages(found)[0].waiting_on == "you"
    service.answer(found, "Yes, since last year.")
    assert (found.status, found.waiting_on) == ("submitted", "council")
    service.book_assessment(coordinator, found, date(2026, 12, 10), "Ali Assessor")
    stages = timeline.stages(found)
    assert [s.state for s in stages] == ["done", "now", "to_come", "to_come"]
    assert (stages[1].waiting_on, stages[1].expected_by) == ("your assessment meeting", date(2026, 12, 10))
    assert stages[2].usually == "The council decides within 10 working days of the assessment."
    service.record_assessed(coordinator, found)
    assert found.expected_by == date(2026, 12, 14)  # 10 working days after Monday 30 November
    said = [step.said for step in found.steps]
    assert said[0].startswith("You started") and "The council asked: Do you live alone?" in said
    assert "You answered: Yes, since last year." in said
    assert [m.subject.split(" (")[0] for m in outbox()] == [
        "We have your request", "The council has a question", "Your assessment is booked", "Your assessment is done"]


def test_a_closed_request_says_why_and_stops_the_stages(world):
    found = _sent(world["aldermoor"])
    service.close(world["coordinator"], found, "not_eligible", "The Tuesday lunch club in AL1 is free.")
    assert [s.state for s in timeline.stages(found)] == ["done", "stopped", "stopped", "stopped"]
    assert "The Tuesday lunch club in AL1 is free." in outbox()[-1].body


def test_setting_up_makes_the_holders_record_from_the_request_with_nothing_typed_again(world, app):
    found = _sent(world["aldermoor"])
    coordinator = world["coordinator"]
    service.book_assessment(coordinator, found, date(2026, 12, 10), "Ali Assessor")
    service.record_assessed(coordinator, found)
    staff = signed_in(app, coordinator)
    check = staff.get(f"/council/requests/{found.id}/set-up")
    assert "Check the record before setting them up" in page_text(check)
    done = staff.submit(f"/council/requests/{found.id}/set-up", {"invite": "y"})
    assert done.status_code == 302
    holder = db.session.scalar(db.select(Holder))
    assert (holder.name, holder.reference, holder.date_of_birth) == ("Jo Bloggs", found.reference, date(1971, 4, 3))
    assert (holder.postcode_district, holder.phone, holder.preferred_contact) == ("AL1", "0161 496 0000", "email")
    assert holder.address == "12 Mill Lane\nAL1 2AB" and holder.accessibility_needs == "Easy read"
    assert holder.about_me == "I cannot manage the stairs." and holder.user.email == "jo@example.org"
    db.session.refresh(found)
    assert found.status == "set_up" and found.holder_id == holder.id
    assert any(m.to == "jo@example.org" and "invitation" in m.body.lower() for m in outbox())
    assert "Set up as Jo Bloggs" in page_text(staff.get(f"/council/requests/{found.id}"))
    assert f"reference {found.reference}. This record was made from that request." in page_text(
        staff.get(f"/holders/{holder.id}"))


def test_set_up_waits_for_the_assessment_and_only_the_councils_staff_move_a_case(world, app):
    found = _sent(world["aldermoor"])
    with pytest.raises(NotAllowed):
        service.ask_more(world["elsewhere"], found, "Who are you?")
    other = signed_in(app, world["elsewhere"])
    assert other.get(f"/council/requests/{found.id}").status_code == 403
    staff = signed_in(app, world["coordinator"])
    assert staff.get(f"/council/requests/{found.id}/set-up").status_code == 302  # not assessed yet
    draft = service.start(world["aldermoor"], "review", "myself")
    assert staff.get(f"/council/requests/{draft.id}").status_code == 403  # a draft is the person's own
    provider = signed_in(app, factories.user(R.PROVIDER_ADMIN, world["aldermoor"], name="Pia Provider"))
    assert provider.get("/council/requests").status_code == 403


def test_the_queue_puts_the_soonest_first_and_marks_late_requests(world, app, frozen_clock):
    first = _sent(world["aldermoor"])
    frozen_clock.advance(days=2)
    second = _sent(world["aldermoor"], name="Kim Second")
    frozen_clock.advance(days=2)
    assert [r.id for r in service.queue(world["aldermoor"])] == [first.id, second.id]
    staff = signed_in(app, world["coordinator"])
    page = staff.get("/council/requests")
    text = page_text(page)
    assert page.status_code == 200 and "Jo Bloggs" in text and "Kim Second" in text
    assert text.count("Late") == 1  # the first was due on 3 December; the second is due on 7 December


def test_a_wrong_or_forged_link_finds_nothing(world, app):
    found = _sent(world["aldermoor"])
    token = service.tracking_token(found)
    visitor = Browser(app.test_client())
    assert visitor.get(f"/ask/{token}").status_code == 200
    assert visitor.get(f"/ask/{token[:-2]}xx").status_code == 404
    found.nonce = "0" * 32  # a cancelled link
    db.session.commit()
    assert visitor.get(f"/ask/{token}").status_code == 404
    assert visitor.get("/ask/" + "a" * 300).status_code == 404


def test_bad_input_is_a_clear_error_never_a_server_error(world, app):
    visitor = Browser(app.test_client())
    token = _token_from(visitor.submit("/ask?council=aldermoor", {"kind": "assessment", "for_whom": "myself"}))
    page = visitor.submit(f"/ask/{token}/about-them", {"postcode": "not a postcode", "date_of_birth": ["1", "1", "2030"],
                                                      "name": "x" * 5000, "email": "nope"})
    text = page_text(page)
    assert page.status_code == 200 and "Enter a full postcode, like SK4 1AA" in text
    assert "Enter a date on or before 30 November 2026" in text and "Enter an email address like name@example.com" in text
    assert visitor.get(f"/ask/{token}/nowhere").status_code == 404
    assert visitor.get(f"/ask/{token}/about-you").status_code == 404  # asking for themselves: no such step
    assert visitor.submit("/ask?council=aldermoor", {"kind": "everything", "for_whom": "myself"}).status_code == 200
    assert visitor.get("/ask?council=nowhere").status_code == 404
    staff = signed_in(app, world["coordinator"])
    found = _sent(world["aldermoor"])
    assert staff.submit(f"/council/requests/{found.id}/book", {"on": ["1", "1", "2020"],
                                                              "assessor_name": "Ali"},
                        form_url=f"/council/requests/{found.id}").status_code == 409
    assert staff.submit(f"/council/requests/{found.id}/dance", {}, form_url=f"/council/requests/{found.id}").status_code == 404


def test_the_front_door_help_and_staff_home_lead_to_requests(world, app):
    visitor = Browser(app.test_client())
    assert "/ask" in visitor.get("/").get_data(as_text=True)
    assert "Ask Aldermoor Council for support" in page_text(visitor.get("/help?council=aldermoor"))
    _sent(world["aldermoor"])
    assert "1 request for support waiting on us" in page_text(signed_in(app, world["coordinator"]).get("/"))


def test_the_holders_activity_reads_in_words(world, app):
    found = _sent(world["aldermoor"])
    service.book_assessment(world["coordinator"], found, date(2026, 12, 10), "Ali Assessor")
    service.record_assessed(world["coordinator"], found)
    holder = service.set_up(world["coordinator"], found, invite=False)
    text = page_text(signed_in(app, world["coordinator"]).get(f"/holders/{holder.id}"))
    assert "Request set up as a budget holder" in text and "support request: set up" not in text
