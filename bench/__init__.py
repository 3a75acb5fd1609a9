"""Benchmarks, run by hand; each prints ratios against a reference tool."""
