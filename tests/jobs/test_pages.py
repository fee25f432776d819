"""A job's page: the finance officer starts last month's statements from the payments page and watches
them; the council's administrators see the job too; nobody else does. The CQC import in the background."""
from __future__ import annotations

import io

from marketplace.accounts import roles as R
from marketplace.extensions import db
from marketplace.jobs import service
from marketplace.jobs.models import Job
from marketplace.providers.models import Organisation

from ..helpers import Browser, page_text


def signed_in(app, user) -> Browser:
    browser = Browser(app.test_client())
    browser.sign_in(user.email)
    return browser


def test_the_finance_officer_issues_last_months_statements_and_watches_them_finish(app, no_redis, october):
    council, _budgets, finance, _admin = october
    browser = signed_in(app, finance)
    assert "Issue last month's statements" in page_text(browser.get("/council/payments"))

    started = browser.submit("/council/statements/issue", form_url="/council/payments")

    job = db.session.scalar(db.select(Job))
    assert started.status_code == 302 and started.headers["Location"].endswith(f"/jobs/{job.id}")
    page = browser.get(f"/jobs/{job.id}")
    text = page_text(page)
    assert "Statements for October 2026" in text and "Finished" in text
    assert "1 of 1 part done (100%)" in text and "Issued 5 statements; 0 were already issued." in text
    assert 'http-equiv="refresh"' not in page.get_data(as_text=True)  # finished: nothing to wait for


def test_a_waiting_job_refreshes_itself_and_says_how_far_it_has_got(app, queue, october):
    council, _budgets, finance, _admin = october
    job = service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id, chunk=2)
    page = signed_in(app, finance).get(f"/jobs/{job.id}")
    assert '<meta http-equiv="refresh" content="5">' in page.get_data(as_text=True)
    assert "0 of 3 parts done (0%)" in page_text(page) and "Waiting to start" in page_text(page)


def test_the_starter_and_the_councils_administrators_see_a_job_and_nobody_else(app, no_redis, october, make):
    council, _budgets, finance, admin = october
    job = service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id)
    other = make.council("birchley")
    seen = {name: signed_in(app, user).get(f"/jobs/{job.id}").status_code for name, user in {
        "starter": finance, "administrator": admin,
        "another finance officer": make.user(R.FINANCE_OFFICER, council, email="fo2@example.com"),
        "a coordinator": make.user(R.CARE_COORDINATOR, council),
        "another council's administrator": make.user(R.ADMINISTRATOR, other)}.items()}
    assert seen == {"starter": 200, "administrator": 200, "another finance officer": 403, "a coordinator": 403,
                    "another council's administrator": 403}


def test_the_cqc_import_runs_in_the_background_and_its_page_gives_the_counts(app, no_redis, october, make):
    council, _budgets, _finance, admin = october
    organisation = make.organisation(name="Bright Care", approved_in=[council])
    organisation.cqc_location_id = "1-101"
    db.session.commit()
    directory = ("Care directory with ratings\n\nName,CQC Location (for office use only),Latest overall rating,"
                 "Date of latest check,Location URL\nBright Care,1-101,Good,01/10/2026,https://www.cqc.org.uk/location/1-101\n")
    browser = signed_in(app, admin)
    started = browser.submit("/admin/cqc", {"directory": (io.BytesIO(directory.encode()), "directory.csv"),
                                            "background": "Import in the background"}, content_type="multipart/form-data")
    assert started.status_code == 302, page_text(started)[:300]
    text = page_text(browser.get(started.headers["Location"]))
    assert "Import CQC ratings" in text and "Read 1 row. 1 organisation updated." in text
    assert db.session.get(Organisation, organisation.id).cqc_rating == "Good"


def test_the_jobs_page_lists_a_persons_own_jobs_and_their_councils_for_administrators(app, no_redis, october, make):
    council, _budgets, finance, admin = october
    mine = service.enqueue(finance, "statements", council=council, month="2026-10", council_id=council.id)
    by_command = service.enqueue(None, "statements", council=council, month="2026-09", council_id=council.id)
    other = make.council("birchley")
    elsewhere = service.enqueue(None, "statements", council=other, month="2026-10", council_id=other.id)

    finance_page = page_text(signed_in(app, finance).get("/jobs"))
    admin_page = signed_in(app, admin).get("/jobs")
    coordinator_page = page_text(signed_in(app, make.user(R.CARE_COORDINATOR, council)).get("/jobs"))

    assert "Statements for October 2026" in finance_page and "Statements for September 2026" not in finance_page
    assert "Finished" in finance_page and "100%" in finance_page
    links = admin_page.get_data(as_text=True)
    assert f"/jobs/{mine.id}" in links and f"/jobs/{by_command.id}" in links and f"/jobs/{elsewhere.id}" not in links
    assert "by a scheduled command" in page_text(admin_page) and f"by {finance.name}" in page_text(admin_page)
    assert "You have not started any jobs." in coordinator_page
    assert "All your jobs" in page_text(signed_in(app, finance).get(f"/jobs/{mine.id}"))
