"""Benchmark of issue 5 (not a test suite): run ``.venv/bin/python -m bench``; see README.md."""
