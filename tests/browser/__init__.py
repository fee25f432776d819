"""Browser tests: the real app on a live server, driven through Debian's Chromium by Playwright."""
