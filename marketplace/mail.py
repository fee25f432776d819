"""Sending mail through a backend chosen by MAIL_BACKEND.

``console`` (the default) logs each message and keeps it in ``outbox()`` so a
developer (and the tests) can read it; ``smtp`` sends it through MAIL_SERVER.
"""
from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage

from flask import current_app

from .clock import now


@dataclass
class SentMail:
    to: str
    subject: str
    body: str
    sent_at: datetime = field(default_factory=now)


def outbox() -> list[SentMail]:
    return current_app.extensions.setdefault("mail_outbox", [])


def send(to: str, subject: str, body: str) -> SentMail:
    message = SentMail(to=to, subject=subject, body=body)
    backend = current_app.config.get("MAIL_BACKEND", "console")
    if backend == "smtp":
        _send_smtp(message)
    else:
        current_app.logger.info("MAIL to=%s subject=%s\n%s", to, subject, body)
    box = outbox()
    box.append(message)
    del box[:-200]  # keep the in-memory outbox small
    return message


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
