"""The commissioners' report pages: the list, one report with its filters (and a second set to compare
side by side), its CSV, and each table's chart as an SVG image. Aggregates only; the policy's
``council.reports`` decides who sees them."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import login_required

from .. import taxonomy
from ..web import council_page
from . import demand, market, prices, signals, spend, underspend  # noqa: F401 -- each registers its report
from .charts import bar_svg
from .exports import as_csv
from .filters import comparison, from_args
from .registry import REPORTS

bp = Blueprint("reports", __name__)


def _report(name: str):
    found = REPORTS.get(name)
    if found is None:
        abort(404)
    return found


@bp.get("/council/reports")
@login_required
def index():
    council = council_page("council.reports")
    return render_template("reports/index.html", council=council, reports=list(REPORTS.values()), title="Reports")


@bp.get("/council/reports/<name>")
@login_required
def show(name: str):
    found = _report(name)
    council = council_page("council.reports")
    filters, problems = from_args(council, request.args)
    second = comparison(council, request.args, filters)
    views = [(filters, found.tables(filters))] + ([(second, found.tables(second))] if second is not None else [])
    return render_template("reports/report.html", council=council, report=found, filters=filters, second=second,
                           views=views, problems=problems, categories=taxonomy.categories(),
                           title=f"{found.title}: {filters.words}")


@bp.get("/council/reports/<name>.csv")
@login_required
def csv(name: str):
    found = _report(name)
    council = council_page("council.reports")
    filters, _problems = from_args(council, request.args)
    body = as_csv(found.title, filters, found.tables(filters))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{council.slug}-{name}-{filters.start:%Y-%m}-to-{filters.end:%Y-%m}.csv"'})


@bp.get("/council/reports/<name>/<table>.svg")
@login_required
def chart(name: str, table: str):
    found = _report(name)
    council = council_page("council.reports")
    filters, _problems = from_args(council, request.args, prefix="compare_" if request.args.get("set") == "compare" else "")
    wanted = next((t for t in found.tables(filters) if t.key == table and t.chart), None)
    if wanted is None:
        abort(404)
    response = Response(bar_svg(wanted), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@bp.get("/demand/<slug>")
def demand_signals(slug: str):
    """Public, for anyone thinking of offering support: what people in the council's areas looked for and
    could not find. Aggregates only; an area not the council's own shows every area."""
    council = signals.council_by_slug(slug)
    if council is None:
        abort(404)
    found = signals.for_council(council, (request.args.get("area") or "").strip().upper() or None)
    title = f"What people in {found.place} are looking for" + (f" in {found.area}" if found.area else "")
    return render_template("reports/demand_signals.html", signals=found, title=title)


def init_app(app) -> None:
    """Pages, and ``demand_signals(organisation)`` for the provider portal's panel (the same aggregates
    as the public page, for each council that approved the organisation)."""
    app.register_blueprint(bp)
    app.add_template_global(signals.for_organisation, "demand_signals")
