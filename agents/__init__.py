"""Khabar's service: the Faust app, topics, one agent per stage, dead letters, metrics and the CLI.

Thin wiring around `streams/`: an agent decodes, calls a stage, sends, and counts. No NLP lives here.
"""
import os

# One BLAS thread per process: workers scale by process, one per core, and the entity stage's small matrix
# products gain little from a second thread, whose spinning takes the other worker's core (the same
# products cost about 60% more CPU with two threads here). Set before numpy is first imported; the
# environment still wins.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
