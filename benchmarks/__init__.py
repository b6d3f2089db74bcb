"""Benchmarks: `make bench` runs every module listed in BENCHMARKS and prints rates and ratios.

Each benchmark measures the product's real code and a raw baseline in the same run, on the
same database, and prints their ratio; figures go in the README. No benchmark asserts a time.
"""
