"""Benchmarks: ``python -m bench.run`` (``make bench``) runs every section in ``bench.run.SECTIONS``."""
