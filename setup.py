"""The one compiled part: the entity tagger's Viterbi loop. Optional: if it fails to build, tagging falls
back to numpy (same labels, about a fifth slower). Everything else is configured in pyproject.toml."""
from setuptools import Extension, setup

setup(ext_modules=[Extension("streams.entities._viterbi", ["streams/entities/_viterbi.c"], optional=True)])
