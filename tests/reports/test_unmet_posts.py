"""Needs people posted that nobody met reach the commissioners' unmet-demand report and the providers'
demand signal: six holders post for a PA in SK4 on 2 October 2026, one more for gardening; by
16 November all are past 14 days with no reply chosen. One SK4 post gets a reply chosen, so it was met."""
from __future__ import annotations

from datetime import date, datetime, timezone

from marketplace import clock
from marketplace.needs import service as needs
from marketplace.reports import signals
from marketplace.reports.filters import Filters
from marketplace.reports.privacy import FEWER
from marketplace.reports.registry import REPORTS

from ..billing.support import build_market

POSTED = datetime(2026, 10, 2, 9, tzinfo=timezone.utc)
NOW = datetime(2026, 11, 16, 9, tzinfo=timezone.utc)


def test_unmet_posts_are_counted_by_category_and_area_and_small_ones_hidden(make):
    with clock.frozen(POSTED) as frozen:
        markets = [build_market() for _ in range(8)]
        posts = [needs.post(m.holder_user, m.holder, title="A PA, 6 hours a week", purpose="Help at home", times="Mornings",
                            district="SK4", category="personal-assistant") for m in markets[:7]]
        needs.post(markets[7].holder_user, markets[7].holder, title="Someone to cut the grass", purpose="My garden",
                   times="Any day", district="SK4", category="gardening")
        answer = needs.reply(markets[0].provider_user, posts[0], "I can help on Tuesday mornings.")
        needs.choose(markets[0].holder_user, posts[0], answer)
        frozen.moment = NOW
        council = markets[0].council
        filters = Filters(council, date(2026, 10, 1), date(2026, 11, 30))
        raw = {t.key: t for t in REPORTS["demand"].build(filters)}["unmet_posts"]
        shown = {t.key: t for t in REPORTS["demand"].tables(filters)}["unmet_posts"]
        signal = signals.for_council(council)
    assert [(row["label"], row["posts"]) for row in raw.rows] == [("Personal assistant in SK4", 6), ("Gardening in SK4", 1)]
    # Gardening (1 post) is hidden, so the next smallest beside the total goes too.
    assert [[shown.shown(row, c) for c in shown.columns] for row in shown.rows] == [
        ["Gardening in SK4", FEWER], ["Personal assistant in SK4", FEWER]]
    assert shown.shown(shown.total, shown.columns[1]) == "7"
    assert signal.posts == [{"area": "SK4", "category": "Personal assistant", "posts": 6}]
