"""The benchmark harness (`make bench`): micromet against a FastAPI ceiling, side by side, with wrk."""
