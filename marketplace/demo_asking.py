"""The demo's requests for support sent online, so the council's triage queue shows each stage: one
waiting on the council (one of them late), one with a question to the person, one with its assessment
booked and one assessed and ready to be set up. Sent through the service on the days they would have
been, so their timelines and expected-by dates are the ones the person would have seen. Runs once."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from . import clock
from .asking import service
from .asking.models import SupportRequest
from .extensions import db

PEOPLE = [  # (name, postcode, who asks, days ago sent, what happened since)
    ("Alex Morgan", "SK4 1AA", None, 1, None),
    ("Priya Shah", "SK4 3BD", ("Meera Shah", "Her daughter"), 9, None),
    ("Tom Walsh", "SK5 2CE", None, 6, "question"),
    ("Grace Okafor", "SK4 2DF", None, 14, "booked"),
    ("Dan Price", "SK5 1GH", ("Lee Price", "His brother"), 30, "assessed"),
]


def _at(days_ago: int) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days_ago), time(10), tzinfo=timezone.utc)


def ask_for_support(council, coordinator, echo=print) -> int:
    if db.session.scalar(db.select(db.func.count(SupportRequest.id)).filter_by(council_id=council.id)):
        return 0
    for name, postcode, asker, days_ago, then in PEOPLE:
        with clock.frozen(_at(days_ago)):
            sent = service.start(council, "assessment", "someone_else" if asker else "myself")
            email = name.split()[0].lower() + "@example.org"
            service.save(sent, "about-them", {"name": name, "postcode": postcode, "email": None if asker else email,
                                             "phone": "0161 496 0" + str(100 + days_ago)})
            if asker:
                service.save(sent, "about-you", {"asker_name": asker[0], "asker_relationship": asker[1],
                                                "asker_email": asker[0].split()[0].lower() + "@example.org",
                                                "consent": "agreed"})
            service.save(sent, "contact", {"preferred_contact": "email", "access_needs": ["large_print"] if asker else []})
            service.save(sent, "situation", {"situation": "Since coming out of hospital I cannot manage the stairs, "
                                                          "the shopping or getting out to see anyone.", "urgent": False})
            service.submit(sent)
        if then:
            with clock.frozen(_at(days_ago - 2)):
                if then == "question":
                    service.ask_more(coordinator, sent, "Does anyone help you at home at the moment?")
                else:
                    service.book_assessment(coordinator, sent, clock.today() + timedelta(days=5), "Ali Assessor")
            if then == "assessed":
                with clock.frozen(_at(days_ago - 8)):
                    service.record_assessed(coordinator, sent)
    echo(f"Sent {len(PEOPLE)} demo requests for support to {council.name}.")
    return len(PEOPLE)
