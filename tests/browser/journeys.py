"""What every page on a journey must be, checked as the journey goes: one ``h1``, a title no other
page on the journey has, no serious or critical axe-core violations, and no horizontal scrolling at
320 px (WCAG 1.4.10: the page is measured at 320 px wide, then put back to the journey's size)."""
from __future__ import annotations

from urllib.parse import urlparse

from playwright.sync_api import Page

from .accessibility import assert_accessible

PHONE_WIDTH = 320


class Journey:
    """Signs people in and checks each page it is asked to; remembers titles to find duplicates."""

    def __init__(self, page: Page, password: str):
        self.page = page
        self.password = password
        self.titles: dict[str, str] = {}
        self.checked: list[str] = []

    def sign_in(self, email: str) -> None:
        page = self.page
        page.context.clear_cookies()
        page.goto("/sign-in")
        page.get_by_label("Email address", exact=True).fill(email)
        page.get_by_label("Password", exact=True).fill(self.password)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()
        assert urlparse(page.url).path != "/sign-in", f"{email} could not sign in"

    def follow(self, locator) -> None:
        """Click a link or a button that loads a page, and wait for that page (a check straight after a
        click could otherwise look at the page being left, or at none)."""
        with self.page.expect_navigation():
            locator.click()

    def check(self) -> None:
        """The page the journey is on meets the bar."""
        page = self.page
        page.wait_for_load_state()
        path = urlparse(page.url).path
        assert page.locator("h1").count() == 1, f"{path}: {page.locator('h1').count()} h1 elements"
        title = page.title()
        first = self.titles.setdefault(title, path)
        assert first == path, f"{path} has the same title as {first}: {title!r}"
        assert_accessible(page)
        size = page.viewport_size
        page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
        try:
            width = page.evaluate("document.documentElement.scrollWidth")
        finally:
            page.set_viewport_size(size)
        assert width <= PHONE_WIDTH, f"{path} is {width} px wide at {PHONE_WIDTH} px"
        self.checked.append(path)
