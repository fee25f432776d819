"""Reviews and answers are public, so obvious personal data is caught before anything is published:
an email address or a phone number. The writer is told what was found and asked to take it out (they
keep what they wrote); subtler cases (a named third party) are for reports and an administrator."""
from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Ten or more digits, perhaps with spaces, dots, dashes or brackets between them, perhaps after +44:
# UK landlines and mobiles (01632 960 123, 07700-900-123, +44 7700 900123). Prices and dates have fewer.
PHONE = re.compile(r"(?:\+\s?\d{1,3}[\s.-]?)?(?:\(?\d\)?[\s.()-]?){10,}")


def screen(text: str | None, why: str = "reviews are public") -> str | None:
    """None when ``text`` has no obvious personal data; else what was found, in plain words, saying
    ``why`` it matters (where the text will be read)."""
    if not text:
        return None
    email = EMAIL.search(text)
    if email:
        return (f"Please take out the email address ({email.group(0)}): {why}, so it must not "
                "include anyone's contact details.")
    for match in PHONE.finditer(text):
        if sum(c.isdigit() for c in match.group(0)) >= 10:
            return (f"Please take out the phone number ({match.group(0).strip()}): {why}, so it "
                    "must not include anyone's contact details.")
    return None
