"""Benchmarks of glance-conf against its floors; run with ``tox -e bench``.

Every figure is a ratio of two timings taken side by side in one run,
never an absolute time: the machines are shared and noisy.
"""
