"""Email that is never lost: written in the same transaction as what it tells, sent after commit.

``send`` adds an ``OutgoingEmail`` row to the caller's session, so the message is committed with
the change it announces, or rolled back with it. After each commit that queued mail, the messages
that are due are delivered through the backend chosen by MAIL_BACKEND: ``console`` (the default)
logs each message and keeps it in ``outbox()`` so a developer (and the tests) can read it;
``smtp`` sends it through MAIL_SERVER. A message that fails is retried later with a growing wait
(by the next commit that queues mail, by the next request after MAIL_RETRY_INTERVAL seconds in
any worker, and by ``flask mail send``, which a cron job runs every minute); after
MAIL_MAX_ATTEMPTS it is given up and logged as an error. A worker killed after the commit loses
nothing: the row is there and the next delivery sends it.

Delivery claims each row with one conditional UPDATE (a lease), so two workers never send the
same message twice; a worker killed while sending leaves a lease that expires and is retried.
"""
from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

import click
from flask import current_app, has_app_context
from sqlalchemy import Integer, String, Text, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .clock import now
from .extensions import db
from .types import UTCDateTime

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # how long a claimed message is left alone while it is being sent
RETRY_WAITS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 720)]  # then the last, again
_QUEUED = "mail_queued"


class OutgoingEmail(db.Model):
    """One email to send; ``sent_at`` set once sent, ``failed_at`` once given up."""

    __tablename__ = "outgoing_emails"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)


@dataclass
class SentMail:
    to: str
    subject: str
    body: str
    sent_at: datetime = field(default_factory=now)


def outbox() -> list[SentMail]:
    """What the console backend delivered in this process (the latest 200): for developers and tests."""
    return current_app.extensions.setdefault("mail_outbox", [])


def send(to: str, subject: str, body: str) -> OutgoingEmail:
    """Queue an email in the caller's transaction; it is delivered once the caller commits."""
    message = OutgoingEmail(to_address=to[:320], subject=subject[:300], body=body)
    db.session.add(message)
    db.session.info[_QUEUED] = True
    return message


def send_later() -> None:
    """Leave the email queued in this transaction for ``flask mail send`` instead of delivering some of it
    right after the commit: for batch jobs that queue thousands (monthly statements)."""
    db.session.info.pop(_QUEUED, None)


def deliver_due(limit: int = 100) -> tuple[int, int]:
    """Deliver up to ``limit`` messages that are due; returns (sent, failed this time)."""
    sent = failed = 0
    with Session(db.engine) as session:
        due = session.scalars(select(OutgoingEmail.id).where(
            OutgoingEmail.sent_at.is_(None), OutgoingEmail.failed_at.is_(None),
            OutgoingEmail.next_attempt_at <= now()).order_by(OutgoingEmail.id).limit(limit)).all()
        for message_id in due:
            message = _claim(session, message_id)
            if message is None:
                continue  # another worker has it
            try:
                _deliver(SentMail(message.to_address, message.subject, message.body))
            except Exception as error:  # noqa: BLE001  (any failure of the mail server: retried later)
                failed += 1
                _failed(session, message, error)
            else:
                sent += 1
                message.sent_at = now()
                message.last_error = None
            session.commit()
    return sent, failed


def _claim(session, message_id: int) -> OutgoingEmail | None:
    at = now()
    claimed = session.execute(update(OutgoingEmail).where(
        OutgoingEmail.id == message_id, OutgoingEmail.sent_at.is_(None), OutgoingEmail.failed_at.is_(None),
        OutgoingEmail.next_attempt_at <= at).values(
        next_attempt_at=at + LEASE, attempts=OutgoingEmail.attempts + 1)).rowcount
    session.commit()
    return session.get(OutgoingEmail, message_id) if claimed == 1 else None


def _failed(session, message: OutgoingEmail, error: Exception) -> None:
    message.last_error = f"{type(error).__name__}: {error}"[:300]
    if message.attempts >= current_app.config.get("MAIL_MAX_ATTEMPTS", 8):
        message.failed_at = now()
        log.error("Gave up sending email %s to %s after %s attempts: %s", message.id, message.to_address,
                  message.attempts, message.last_error)
    else:
        message.next_attempt_at = now() + RETRY_WAITS[min(message.attempts, len(RETRY_WAITS)) - 1]
        log.warning("Email %s not sent (attempt %s), will retry at %s: %s", message.id, message.attempts,
                    message.next_attempt_at, message.last_error)


def _deliver(message: SentMail) -> None:
    backend = current_app.config.get("MAIL_BACKEND", "console")
    if backend == "smtp":
        _send_smtp(message)
    else:
        current_app.logger.info("MAIL to=%s subject=%s\n%s", message.to, message.subject, message.body)
    box = outbox()
    box.append(message)
    del box[:-200]  # keep the in-memory outbox small


def _send_smtp(message: SentMail) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=10) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)


def waiting() -> int:
    """Messages not yet sent and not given up."""
    return db.session.scalar(select(db.func.count(OutgoingEmail.id)).where(
        OutgoingEmail.sent_at.is_(None), OutgoingEmail.failed_at.is_(None))) or 0


def _deliver_quietly() -> None:
    try:
        deliver_due()
    except Exception:  # noqa: BLE001  (no database or no mail server now: the rows wait for the next try)
        log.exception("Could not deliver queued email now; it waits for the next try")


@event.listens_for(Session, "after_commit")
def _deliver_after_commit(session):
    if session.info.pop(_QUEUED, False) and has_app_context():
        _deliver_quietly()


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop(_QUEUED, None)


_last_retry = {"at": 0.0}


def retry_now_and_then() -> None:
    """Before a request, at most every MAIL_RETRY_INTERVAL seconds per worker: send what is due."""
    interval = current_app.config.get("MAIL_RETRY_INTERVAL", 60)
    if interval is None or time.monotonic() - _last_retry["at"] < interval:
        return
    _last_retry["at"] = time.monotonic()
    _deliver_quietly()


@click.group("mail", help="Email waiting to be sent.")
def mail_cli() -> None:
    pass


@mail_cli.command("send")
def send_command() -> None:
    """Send every email that is due (run it every minute from cron)."""
    total_sent = total_failed = 0
    while True:
        sent, failed = deliver_due()
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if sent + failed < 100:
            break
    click.echo(f"Sent {total_sent} emails; {total_failed} failed and will be retried; {waiting()} waiting.")


def init_app(app) -> None:
    app.before_request(retry_now_and_then)
    app.cli.add_command(mail_cli)
