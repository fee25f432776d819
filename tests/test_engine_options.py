"""Engine options keep what a deployment's database URL says: libpq ``options`` in the URL (a
schema's search_path, say) survive the statement timeout the app adds."""
from __future__ import annotations

import config as app_config


def _config(**overrides) -> dict:
    settings = {name: getattr(app_config.Config, name) for name in dir(app_config.Config) if name.isupper()}
    return {**settings, **overrides}


def test_options_in_a_postgresql_url_are_kept_beside_the_statement_timeout():
    made = app_config.engine_options("postgresql+psycopg://u@h/db?options=-csearch_path%3Dbench_1", _config())

    assert made["connect_args"]["options"] == "-c statement_timeout=15000 -csearch_path=bench_1"


def test_options_given_in_the_engine_options_come_last_so_they_win():
    made = app_config.engine_options(
        "postgresql+psycopg://u@h/db", _config(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": "-csearch_path=t"}}))

    assert made["connect_args"]["options"] == "-c statement_timeout=15000 -csearch_path=t"
    assert made["pool_pre_ping"] is True
