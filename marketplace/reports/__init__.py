"""Reports for commissioners: aggregates only, small numbers suppressed, each with a chart, its table and a CSV."""
