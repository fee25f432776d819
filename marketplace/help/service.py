"""Reading and saving a council's help texts: the newest saved version, else the default; every save a
new version; a small safe set of markup, sanitised with nh3 when saved and again when shown."""
from __future__ import annotations

import nh3

from ..councils.models import Council
from ..errors import DomainError
from ..extensions import db
from ..policy import require
from . import content
from .models import HelpPageVersion

BODY_MAX = 20_000  # characters of markup: far more than a help page needs, small enough to keep pages quick
ALLOWED_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "a", "strong", "em", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}  # relative links pass too; javascript: and data: do not
# The GOV.UK classes each allowed tag is shown with (added only when the page is made, never stored).
STYLES = {"p": "govuk-body", "h2": "govuk-heading-m", "h3": "govuk-heading-s", "ul": "govuk-list govuk-list--bullet",
          "ol": "govuk-list govuk-list--number", "a": "govuk-link"}


def clean(markup: str, *, styled: bool = False) -> str:
    """The markup with everything outside the safe set removed: scripts and their text, event handlers,
    styles, classes, and links that are not http, https, mailto or relative. ``styled`` adds the GOV.UK
    classes, for showing."""
    return nh3.clean(markup or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     clean_content_tags={"script", "style"}, link_rel=None,
                     set_tag_attribute_values={tag: {"class": css} for tag, css in STYLES.items()} if styled else None).strip()


def known(topic: str, reading: str) -> bool:
    return topic in content.TOPICS and reading in content.READINGS


def latest(council: Council, topic: str, reading: str) -> HelpPageVersion | None:
    return db.session.scalar(db.select(HelpPageVersion).filter_by(council_id=council.id, topic=topic, reading=reading)
                             .order_by(HelpPageVersion.id.desc()).limit(1))


def text(council: Council, topic: str, reading: str, *, styled: bool = False) -> str:
    """What the page shows, sanitised: the council's newest version, else the default text."""
    saved = latest(council, topic, reading)
    return clean(saved.body if saved is not None else content.default_text(topic, reading), styled=styled)


def history(council: Council, topic: str, reading: str) -> list[HelpPageVersion]:
    return db.session.scalars(db.select(HelpPageVersion).filter_by(council_id=council.id, topic=topic, reading=reading)
                              .order_by(HelpPageVersion.id.desc())).all()


def save(actor, council: Council, topic: str, reading: str, markup: str, *, restored_from: int | None = None) -> HelpPageVersion:
    """A new version, by ``actor``, of the council's text: nothing earlier is changed or lost."""
    require(actor, "help.edit", council)
    if not known(topic, reading):
        raise DomainError("There is no such help page.")
    body = clean(markup)
    if not body:
        raise DomainError("Write the text of the page.")
    if len(body) > BODY_MAX:
        raise DomainError(f"The text is too long: keep it under {BODY_MAX:,} characters.")
    version = HelpPageVersion(council_id=council.id, topic=topic, reading=reading, body=body, author_id=actor.id,
                              restored_from_id=restored_from)
    db.session.add(version)
    db.session.commit()
    return version


def restore(actor, version: HelpPageVersion) -> HelpPageVersion:
    """An old version made the newest again, as a new version (so the history keeps every step)."""
    return save(actor, version.council, version.topic, version.reading, version.body, restored_from=version.id)
