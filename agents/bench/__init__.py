"""`khabar bench`: where the time goes, from one stage in-process to several workers on a broker.

Every figure of one run is measured on the same machine in the same minutes, so the ratios between them
(efficiency, plumbing ratio, scale-out) mean something even on a busy, shared host.
"""
from agents.bench.run import BenchOptions, run_bench

__all__ = ["BenchOptions", "run_bench"]
