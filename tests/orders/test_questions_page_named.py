""""You will see the answer under Questions": the page of that name exists, the answer's notification
leads to it, and the holder's home page links to it by that name."""
from __future__ import annotations

import re

from .support import read


def test_the_sentence_names_a_page_the_holder_can_reach(browser, jo, holder, sessions, pat):
    browser.sign_in("jo@example.com")
    response = browser.submit(f"/catalogue/listings/{sessions.id}/ask", {"question": "Do you work on Saturdays?"},
                              follow_redirects=True)
    assert "You will see the answer under Questions" in read(response)
    page = browser.get("/enquiries")
    assert page.status_code == 200
    assert re.search(r"<h1[^>]*>\s*Questions\s*</h1>", page.get_data(as_text=True))
    assert "Do you work on Saturdays? Not answered yet." in read(page)
    home = browser.get("/").get_data(as_text=True)
    assert re.search(r'<a class="govuk-link" href="/enquiries">\s*Questions\s*</a>', home), "the holder's home links to Questions"
