"""Asking for support: the person's draft, saved step by step; sending it; the council moving the case on;
and the request becoming the holder's record.

The person is reached by a private link carrying a signed token (``tracking_token``): they are not known
to the council yet, so there is no account to sign in to. The token is signed with the app's secret and
names the request and its ``nonce``, so a copy of the database alone gives no links, and a new nonce
cancels a link. Every step of the case adds a ``RequestStep`` (the timeline the person reads) and, where
we have an address, an email saying what happened and when they will hear next.
"""
from __future__ import annotations

import secrets
from datetime import date

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from .. import clock, links, mail
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..holders import service as holders
from ..policy import can
from . import timescales
from .models import ACCESS, ASK, CLOSE_REASONS, CONSENT, CONTACT, FOR_WHOM, KINDS, RequestStep, SupportRequest

TOKEN_SALT = "support-request"
# What each step of the form saves; anything else a POST carries is ignored.
STEP_FIELDS = {
    "about-them": ("name", "date_of_birth", "address", "postcode", "email", "phone"),
    "about-you": ("asker_name", "asker_relationship", "asker_email", "asker_phone", "consent"),
    "contact": ("preferred_contact", "access_needs", "access_other"),
    "situation": ("situation", "urgent"),
}


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def tracking_token(request: SupportRequest) -> str:
    return _serializer().dumps([request.id, request.nonce])


def find_by_token(token: str) -> SupportRequest | None:
    """The request a private link names, or None for a link that is wrong, forged or cancelled."""
    if not token or len(token) > 200:
        return None
    try:
        request_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    request = db.session.get(SupportRequest, request_id) if isinstance(request_id, int) else None
    return request if request is not None and secrets.compare_digest(request.nonce, str(nonce)) else None


def tracking_link(request: SupportRequest) -> str:
    return links.url("asking.track", token=tracking_token(request))


def _new_reference(council) -> str:
    return f"{council.slug[:3].upper()}-R{secrets.token_hex(3).upper()}"


def _step(request: SupportRequest, said: str, actor=None) -> RequestStep:
    step = RequestStep(request=request, status=request.status, said=said, waiting_on=request.waiting_on,
                       expected_by=request.expected_by, by_id=getattr(actor, "id", None), at=clock.now())
    db.session.add(step)
    return step


def start(council, kind: str, for_whom: str) -> SupportRequest:
    """A new draft: what is asked for and for whom. It is saved now, so nothing typed is lost."""
    if kind not in KINDS or for_whom not in FOR_WHOM:
        raise DomainError("Choose what you are asking for and who it is for.")
    request = SupportRequest(council_id=council.id, reference=_new_reference(council), nonce=secrets.token_hex(16),
                             kind=kind, for_whom=for_whom, access_needs=[], urgent=False, waiting_on="person")
    ASK.start(request, "draft")
    _step(request, "You started your request. Your answers are saved as you go.")
    db.session.commit()
    return request


def change_start(request: SupportRequest, kind: str, for_whom: str) -> None:
    if not request.is_draft:
        raise DomainError("This request has been sent, so it cannot be changed here.")
    if kind not in KINDS or for_whom not in FOR_WHOM:
        raise DomainError("Choose what you are asking for and who it is for.")
    request.kind, request.for_whom = kind, for_whom
    db.session.commit()


def save(request: SupportRequest, step: str, values: dict) -> None:
    """Keep one step's answers on the draft (the form has checked and bounded them)."""
    if not request.is_draft:
        raise DomainError("This request has been sent, so it cannot be changed here.")
    for field in STEP_FIELDS[step]:
        if field in values:
            setattr(request, field, values[field])
    if step == "about-you" and request.consent:
        request.consent_recorded_at = clock.now()
    db.session.commit()


def steps_for(request: SupportRequest) -> list[str]:
    """The steps this request goes through: "about you" only when asking for someone else."""
    return [s for s in STEP_FIELDS if s != "about-you" or request.for_someone_else]


def missing(request: SupportRequest) -> list[tuple[str, str]]:
    """What must be answered before sending: (step, message) pairs, in the order of the steps."""
    gaps = []
    if not request.name:
        gaps.append(("about-them", "Tell us the name of the person who needs support"))
    if not (request.postcode or request.address):
        gaps.append(("about-them", "Tell us where the person lives, so the right council team gets it"))
    if request.for_someone_else:
        if not request.asker_name:
            gaps.append(("about-you", "Tell us your name"))
        if request.consent not in CONSENT:
            gaps.append(("about-you", "Tell us whether the person has agreed that you ask for them"))
    if request.preferred_contact not in CONTACT:
        gaps.append(("contact", "Tell us how you would like to be contacted"))
    elif not _reachable(request):
        gaps.append(("contact", f"Give us a way to reach you by {CONTACT[request.preferred_contact].lower()}"))
    if not request.situation:
        gaps.append(("situation", "Tell us what is happening and what help you think is needed"))
    return gaps


def _reachable(request: SupportRequest) -> bool:
    """The chosen way of contact has the detail it needs (an address for letters, a number for calls)."""
    channel = request.preferred_contact
    phone = request.asker_phone if request.for_someone_else and request.asker_phone else request.phone
    return {"email": bool(request.contact_email), "phone": bool(phone), "text": bool(phone),
            "letter": bool(request.address)}.get(channel, False)


def submit(request: SupportRequest) -> None:
    """Send the draft to the council: the reference and the first expected-by date are the person's now."""
    gaps = missing(request)
    if gaps:
        raise DomainError(gaps[0][1] + ".")
    request.submitted_at = clock.now()
    request.waiting_on = "council"
    request.expected_by = timescales.first_contact_by(request.council, clock.today())
    ASK.move(request, "submitted")
    _step(request, f"You sent your request to {request.council.name}. Your reference is {request.reference}.")
    _tell(request, "We have your request",
          f"{request.council.name} has your request for {_kind_words(request)}. Your reference is {request.reference}.\n\n"
          f"Someone from the council will be in touch by {_day(request.expected_by)}.")
    db.session.commit()


def _kind_words(request: SupportRequest) -> str:
    return "a review of support" if request.kind == "review" else "an assessment"


def _day(day: date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else ""


def _tell(request: SupportRequest, subject: str, text: str) -> None:
    """Email the person (or whoever asked for them) about a step, with the link to follow it.

    Someone who asked for a phone call or a letter is contacted that way by the council's staff; the
    queue shows how. An email address given is still written to, because it costs them nothing."""
    to = request.contact_email
    if to:
        mail.send(to, f"{subject} ({request.reference})",
                  f"{text}\n\nSee where your request is up to: {tracking_link(request)}\n\n"
                  "Keep this link private: anyone who has it can see your request.")


def _require(actor, request: SupportRequest) -> None:
    if not can(actor, "asking.handle", request):
        raise NotAllowed("You cannot handle requests for this council.")


def ask_more(actor, request: SupportRequest, question: str) -> None:
    """The council needs to know something before it can go on: the case waits on the person."""
    _require(actor, request)
    request.question = question.strip()
    request.waiting_on = "person"
    request.expected_by = timescales.answer_by(request.council, clock.today())
    ASK.move(request, "more_info", actor=actor)
    _step(request, f"The council asked: {request.question}", actor)
    _tell(request, "The council has a question",
          f"{request.council.name} needs to know something before it can go on with your request:\n\n"
          f"{request.question}\n\nPlease answer by {_day(request.expected_by)} using the link below. "
          "If we do not hear from you, we will try to call.")
    db.session.commit()


def answer(request: SupportRequest, text: str) -> None:
    """The person answers the council's question; the case goes back to the council."""
    if not request.has_question:
        raise DomainError("There is no question waiting for an answer.")
    request.question = None
    request.waiting_on = "council"
    request.expected_by = timescales.first_contact_by(request.council, clock.today())
    ASK.move(request, "submitted")
    _step(request, f"You answered: {text.strip()}")
    db.session.commit()


def book_assessment(actor, request: SupportRequest, on: date, assessor_name: str) -> None:
    _require(actor, request)
    if on < clock.today():
        raise DomainError("The assessment date must be today or later.")
    request.question = None
    request.assessment_on, request.assessor_name = on, assessor_name.strip()
    request.waiting_on, request.expected_by = "meeting", on
    ASK.move(request, "assessment_booked", actor=actor)
    _step(request, f"Your assessment is booked for {_day(on)} with {request.assessor_name}.", actor)
    _tell(request, "Your assessment is booked",
          f"Your assessment is on {_day(on)} with {request.assessor_name} from {request.council.name}. "
          "They will talk with you about your life, what matters to you and the support you need. "
          "You can have someone with you.")
    db.session.commit()


def record_assessed(actor, request: SupportRequest) -> None:
    _require(actor, request)
    request.waiting_on = "council"
    request.expected_by = timescales.decision_by(request.council, clock.today())
    ASK.move(request, "assessed", actor=actor)
    _step(request, "Your assessment is done. The council is deciding what support it can offer.", actor)
    _tell(request, "Your assessment is done",
          f"Thank you for meeting us. {request.council.name} will tell you what support it can offer "
          f"by {_day(request.expected_by)}.")
    db.session.commit()


def close(actor, request: SupportRequest, reason: str, note: str) -> None:
    """End the case with a reason the person reads, and what else may help them."""
    _require(actor, request)
    if reason not in CLOSE_REASONS:
        raise DomainError("Choose why the request is closing.")
    request.close_reason, request.close_note = reason, note.strip() or None
    request.waiting_on, request.expected_by = None, None
    ASK.move(request, "closed", actor=actor, reason=reason)
    _step(request, CLOSE_REASONS[reason] + (f": {request.close_note}" if request.close_note else "."), actor)
    _tell(request, "Your request is closed", CLOSE_REASONS[reason] + "." +
          (f"\n\n{request.close_note}" if request.close_note else ""))
    db.session.commit()


def access_text(request: SupportRequest) -> str | None:
    """The access needs in words, as the holder's record keeps them."""
    parts = [ACCESS[a] for a in request.access_needs or [] if a in ACCESS]
    if request.access_other:
        parts.append(request.access_other)
    return "; ".join(parts) or None


def holder_fields(request: SupportRequest) -> dict:
    """The holder's record, taken from the request: what setting them up copies, field by field."""
    address = "\n".join(p for p in (request.address, request.postcode) if p) or None
    return {"name": request.name, "email": request.email, "preferred_contact": request.preferred_contact or "email",
            "postcode_district": request.postcode_district, "phone": request.phone, "address": address,
            "accessibility_needs": access_text(request), "about_me": request.situation,
            "date_of_birth": request.date_of_birth, "reference": request.reference}


def set_up(actor, request: SupportRequest, *, invite: bool) -> object:
    """Set the person up as a budget holder from their request: the record is the request's answers and
    keeps its reference, so nothing is typed again. ``invite`` emails the person their own sign-in (only
    to their own address; someone who asked for them gets no rights over the account — consent to ask
    is not consent to manage money; the council adds a representative with the person's agreement)."""
    _require(actor, request)
    ASK.check(request, "set_up")
    fields = holder_fields(request)
    if not invite:
        fields["email"] = None
    holder = holders.create_holder(actor, request.council, invite=invite, **fields)  # commits
    request.holder = holder
    request.waiting_on, request.expected_by = None, None
    ASK.move(request, "set_up", actor=actor)
    _step(request, "You are set up with a personal budget. Your reference stays the same."
          + (" We have emailed you a link to set a password and sign in." if holder.user else ""), actor)
    _tell(request, "You are set up",
          f"{request.council.name} has set you up with a personal budget. Your reference stays {request.reference}. "
          "The next step is your support plan: your contact at the council will help you write it.")
    db.session.commit()
    return holder


def queue(council, waiting_on: str | None = None, limit: int = 200) -> list[SupportRequest]:
    """Open, sent requests in a council, the soonest expected-by first (so what is late is at the top)."""
    query = db.select(SupportRequest).where(
        SupportRequest.council_id == council.id, SupportRequest.status.in_(("submitted", "more_info",
                                                                            "assessment_booked", "assessed")))
    if waiting_on in ("council", "person", "meeting"):
        query = query.where(SupportRequest.waiting_on == waiting_on)
    return db.session.scalars(query.order_by(SupportRequest.expected_by, SupportRequest.id).limit(limit)).all()


def waiting_on_council(council) -> int:
    """Sent requests waiting on the council: the number on the staff's home page."""
    return db.session.scalar(db.select(db.func.count(SupportRequest.id)).where(
        SupportRequest.council_id == council.id, SupportRequest.waiting_on == "council",
        SupportRequest.status.in_(("submitted", "assessed")))) or 0


def for_holder(holder) -> SupportRequest | None:
    return db.session.scalar(db.select(SupportRequest).filter_by(holder_id=holder.id))
