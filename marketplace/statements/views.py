"""Monthly statements: a holder's list, one statement as a page, PDF and CSV, and the summary for someone
who looks after several people's money. A statement is seen by whoever may see the holder's account
(``holder.view``: the holder, their delegates, their council's case and finance staff). Every page asks the policy; the figures come from the stored rows."""
from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user, login_required

from ..errors import DomainError
from ..holders.models import Holder
from ..holders.service import holders_acting_for
from ..policy import can, require
from ..web import load
from . import service
from .compute import SECTIONS
from .exports import line_detail, statement_csv, statement_pdf, summary_rows
from .models import Statement

bp = Blueprint("statements", __name__)


def _statement(statement_id: int) -> Statement:
    return load(Statement, statement_id, "holder.view", via=lambda s: s.holder)


def _file_name(statement: Statement, ext: str) -> str:
    return f"statement-{statement.holder.reference}-{statement.month:%Y-%m}.{ext}".replace('"', "")


@bp.get("/holders/<int:holder_id>/statements")
@login_required
def for_holder(holder_id: int):
    holder = load(Holder, holder_id, "holder.view")
    return render_template("statements/list.html", holder=holder, statements=service.for_holder(holder),
                           month_name=service.month_name, title=f"Monthly statements: {holder.name}")


@bp.get("/statements/<int:statement_id>")
@login_required
def show(statement_id: int):
    statement = _statement(statement_id)
    month = service.month_name(statement.month)
    return render_template("statements/show.html", statement=statement, month=month, sections=SECTIONS,
                           summary=summary_rows(statement), detail=line_detail,
                           title=f"Statement for {month}: {statement.holder.name}")


@bp.get("/statements/<int:statement_id>.pdf")
@login_required
def pdf(statement_id: int):
    statement = _statement(statement_id)
    response = Response(statement_pdf(statement, service.month_name(statement.month)), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_name(statement, "pdf")}"'
    return response


@bp.get("/statements/<int:statement_id>.csv")
@login_required
def csv(statement_id: int):
    statement = _statement(statement_id)
    response = Response(statement_csv(statement), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{_file_name(statement, "csv")}"'
    return response


@bp.get("/statements")
@login_required
def caseload():
    """Everyone whose account this broker or budget manager looks after: the month's statement of each,
    and the figures added up across them."""
    require(current_user, "statements.caseload")
    people = [h for h in holders_acting_for(current_user) if can(current_user, "holder.view", h)]
    ids = [h.id for h in people]
    months = service.months_issued(ids)
    month = months[0] if months else None
    if request.args.get("month"):
        try:
            month = service.parse_month(request.args["month"])
        except DomainError:
            abort(404)
    statements = service.for_holders(ids, month) if month else []
    return render_template("statements/caseload.html", people=people, statements=statements, month=month, months=months,
                           totals=service.totals(statements), month_name=service.month_name,
                           without=[h for h in people if h.id not in {s.holder_id for s in statements}],
                           title="Statements of the people you look after")
