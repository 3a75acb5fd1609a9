"""Benchmarks, run by hand as modules: ``.venv/bin/python -m bench.<name>``."""
