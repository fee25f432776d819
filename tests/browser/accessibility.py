"""An axe-core check for the page a browser test is on.

``assert_accessible(page)`` runs axe-core (bundled with axe-playwright-python, so nothing is
downloaded) against the whole page and fails when it finds a violation whose impact is
"serious" or "critical", listing each rule, its impact, help link and the nodes it failed on,
so a developer can fix the template. Lesser findings ("moderate", "minor") do not fail the
test; they are returned for anyone who wants to look.

Axe is injected with ``page.evaluate``, which Playwright runs through the DevTools protocol:
the page's Content-Security-Policy (``script-src 'self'`` plus one hash) does not apply to it,
so no ``bypass_csp`` context is needed.
"""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

FAILING_IMPACTS = ("serious", "critical")

_axe = Axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.append(f"    {v['helpUrl']}")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}")
            lines.append(f"       {' '.join(node.get('html', '').split())[:300]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"       {line.strip()}" for line in summary.splitlines() if line.strip())
    return "\n".join(lines)


def assert_accessible(page, *, context=None, impacts=FAILING_IMPACTS) -> list[dict]:
    """Run axe on ``page`` (optionally limited to a ``context`` selector); fail on violations
    with one of ``impacts``. Returns every violation found, failing or not."""
    results = _axe.run(page, context=context)
    violations = results.response["violations"]
    failing = [v for v in violations if v.get("impact") in impacts]
    if failing:
        report = describe(failing)
        print(f"axe violations on {page.url}:\n{report}")
        raise AssertionError(
            f"{len(failing)} accessibility violation(s) with impact {'/'.join(impacts)} "
            f"on {page.url} (title {page.title()!r}):\n{report}"
        )
    return violations
