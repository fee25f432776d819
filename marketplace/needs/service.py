"""Posting a need, replying once, choosing a reply, closing, expiry, reports and moderation, and the
count of unmet needs for the commissioners' reports. Every text is screened for contact details, and
the post carries only a postcode district, so nobody is identified by it."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from catalogue.models import Listing

from .. import clock, taxonomy
from ..clock import LONDON
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..notifications.service import notify_all
from ..policy import can, who_may
from ..policy.needs import replying_organisations
from ..ratings.screening import screen
from .models import NEED, NEED_REPLY, REPORT_REASONS, Need, NeedReply, NeedReport

OPEN_DAYS = 30
UNMET_AFTER_DAYS = 14
TITLE_MAX, PURPOSE_MAX, TIMES_MAX, LANGUAGES_MAX, MESSAGE_MAX, REASON_MAX = 120, 1000, 300, 200, 1000, 1000


def _text(value, label: str, limit: int, *, required: bool = True) -> str | None:
    value = (value or "").strip()
    if not value:
        if required:
            raise DomainError(f"Enter {label}.")
        return None
    if len(value) > limit:
        raise DomainError(f"Keep {label} to {limit:,} characters.")
    problem = screen(value, why="other people will read this")
    if problem:
        raise DomainError(problem)
    return value


def district_for(council, text) -> str:
    """The district alone, if the council covers it: a full postcode is cut to its district."""
    district = taxonomy.normalise_district(text)
    if district is None:
        raise DomainError("Enter a postcode district, like SK4.")
    if district not in set(council.postcode_districts or []):
        raise DomainError(f"{district} is not an area {council.name} covers. Choose one of its districts.")
    return district


def post(actor, holder, *, title, purpose, times, district, category, languages=None) -> Need:
    """Post a need for ``holder``. Commits."""
    if not can(actor, "need.post", holder):
        raise NotAllowed("Only the person, their representative or their broker can post a need for them.")
    if category not in taxonomy.categories():
        raise DomainError("Choose a kind of support.")
    need = Need(council_id=holder.council_id, holder_id=holder.id, posted_by_id=actor.id,
                title=_text(title, "a title", TITLE_MAX), purpose=_text(purpose, "what it is for", PURPOSE_MAX),
                times=_text(times, "the days and times", TIMES_MAX), district=district_for(holder.council, district),
                languages=_text(languages, "the languages", LANGUAGES_MAX, required=False), category=category,
                expires_at=clock.now() + timedelta(days=OPEN_DAYS))
    need.holder = holder
    NEED.start(need, "open", actor=actor)
    db.session.commit()
    return need


def open_needs(council, *, district: str | None = None, category: str | None = None) -> list[Need]:
    """The open posts in the council, newest first, for providers and personal assistants."""
    query = db.select(Need).where(Need.council_id == council.id, Need.status == "open")
    if district:
        query = query.where(Need.district == district)
    if category:
        query = query.where(Need.category == category)
    return db.session.scalars(query.order_by(Need.created_at.desc(), Need.id.desc()).limit(200)).all()


def for_holder(holder) -> list[Need]:
    return db.session.scalars(db.select(Need).where(Need.holder_id == holder.id).order_by(Need.id.desc())).all()


def reply_of(need: Need, user) -> NeedReply | None:
    mine = replying_organisations(user, need.council_id)
    return next((r for r in need.replies if r.organisation_id in mine), None)


def reply(actor, need: Need, message) -> NeedReply:
    """An organisation's one reply to a post. Commits, and tells the poster's side."""
    if not can(actor, "need.reply", need):
        raise NotAllowed("Only providers and personal assistants approved by the council can reply to open posts.")
    if reply_of(need, actor) is not None:
        raise DomainError("Your organisation has replied to this post already: each organisation replies once.")
    organisation_id = min(replying_organisations(actor, need.council_id))
    answer = NeedReply(need_id=need.id, organisation_id=organisation_id, author_id=actor.id,
                       message=_text(message, "your message", MESSAGE_MAX))
    answer.need = need
    NEED_REPLY.start(answer, "shown", actor=actor)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise DomainError("Your organisation has replied to this post already: each organisation replies once.") from None
    notify_all(who_may("need.manage", need), f"A reply to “{need.title}”",
               "Someone has replied to the need you posted. You choose whom to talk to.", f"/needs/{need.id}")
    db.session.commit()
    return answer


def choose(actor, need: Need, answer: NeedReply) -> NeedReply:
    """The poster chooses a reply to talk to; the replier is told. Commits."""
    if not can(actor, "need.manage", need) or answer.need_id != need.id:
        raise NotAllowed("Only the person who posted can choose a reply.")
    if not need.is_open or not answer.is_shown:
        raise DomainError("Replies can be chosen while the post is open.")
    if answer.chosen_at is None:
        answer.chosen_at = clock.now()
        notify_all([answer.author], f"Your reply to “{need.title}” was chosen",
                   f"{need.who_sentence} would like to talk to you. They can now order from your listings.",
                   f"/needs/{need.id}")
    db.session.commit()
    return answer


def listings_to_order(answer: NeedReply) -> list[Listing]:
    """The replier's published listings, each a way to turn the reply into an order."""
    return db.session.scalars(db.select(Listing).where(Listing.organisation_id == answer.organisation_id,
                                                       Listing.status == "published").order_by(Listing.title).limit(20)).all()


def close(actor, need: Need, outcome: str) -> Need:
    """The poster closes the post as met, or withdraws it. Commits."""
    if not can(actor, "need.manage", need):
        raise NotAllowed("Only the person who posted can close the post.")
    if outcome not in ("met", "withdrawn"):
        raise DomainError("Choose whether the need was met or you are withdrawing it.")
    NEED.move(need, outcome, actor=actor)
    db.session.commit()
    return need


def expire(at: datetime | None = None) -> int:
    """End every open post older than 30 days. Running it twice ends nothing twice. Commits."""
    at = at or clock.now()
    due = db.session.scalars(db.select(Need).where(Need.status == "open", Need.expires_at <= at)).all()
    for need in due:
        NEED.move(need, "expired", reason=f"Open for {OPEN_DAYS} days")
    db.session.commit()
    return len(due)


def report(actor, need: Need, reason, details=None, answer: NeedReply | None = None) -> NeedReport:
    if not can(actor, "need.report", need):
        raise NotAllowed("You cannot report this post.")
    if reason not in REPORT_REASONS:
        raise DomainError("Choose what is wrong.")
    if answer is not None and answer.need_id != need.id:
        raise DomainError("That reply is not on this post.")
    made = NeedReport(need_id=need.id, reply_id=answer.id if answer else None, reporter_id=actor.id, reason=reason,
                      details=_text(details, "the details", REASON_MAX, required=False))
    db.session.add(made)
    notify_all(who_may("need.moderate", need), "A posted need was reported" if answer is None else "A reply to a posted need was reported",
               f"Someone reported “{need.title}”: {REPORT_REASONS[reason].lower()}.", "/council/needs")
    db.session.commit()
    return made


def queue(council) -> list[NeedReport]:
    """Open reports in the council, oldest first, for its administrators."""
    return db.session.scalars(db.select(NeedReport).join(Need).where(
        Need.council_id == council.id, NeedReport.resolved_at.is_(None)).order_by(NeedReport.id)).all()


def moderate(actor, need: Need, action: str, reason, answer: NeedReply | None = None) -> None:
    """Hide or show again a post or one reply, with a reason; resolves its reports. Commits."""
    if not can(actor, "need.moderate", need):
        raise NotAllowed("Only the council's administrators can do this.")
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX:
        raise DomainError(f"Give a reason of up to {REASON_MAX:,} characters.")
    if action not in ("hide", "restore", "keep"):
        raise DomainError("Choose what to do.")
    target, machine = (answer, NEED_REPLY) if answer is not None else (need, NEED)
    if action != "keep":
        to = "hidden" if action == "hide" else ("shown" if answer is not None else "open")
        machine.move(target, to, actor=actor, reason=reason)
        target.status_reason = reason
    for made in db.session.scalars(db.select(NeedReport).where(NeedReport.need_id == need.id, NeedReport.resolved_at.is_(None),
                                                               NeedReport.reply_id == (answer.id if answer else None))):
        made.resolved_at = clock.now()
    db.session.commit()


def unmet_by_area_and_category(council, start: date, end: date) -> list[tuple[str, str, int]]:
    """(district, category slug, count) of posts made from ``start`` to ``end`` (both included) that went
    unmet: expired, or open for 14 days with no chosen reply. Counts only, never who: for the
    commissioners' unmet-demand report and the providers' demand signal."""
    since = datetime.combine(start, time.min, LONDON)
    until = datetime.combine(end + timedelta(days=1), time.min, LONDON)
    stale = clock.now() - timedelta(days=UNMET_AFTER_DAYS)
    chosen = db.select(NeedReply.need_id).where(NeedReply.chosen_at.is_not(None))
    rows = db.session.execute(
        db.select(Need.district, Need.category, func.count(Need.id))
        .where(Need.council_id == council.id, Need.created_at >= since, Need.created_at < until,
               db.or_(Need.status == "expired",
                      db.and_(Need.status == "open", Need.created_at <= stale, Need.id.not_in(chosen))))
        .group_by(Need.district, Need.category).order_by(Need.district, Need.category)).all()
    return [(district, category, count) for district, category, count in rows]
