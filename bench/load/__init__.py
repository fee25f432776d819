"""The load test: a data generator, a Locust test and a runner (see bench/README.md, "Load test")."""
