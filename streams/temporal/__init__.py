"""Temporal expressions and timing metadata."""
from streams.temporal.tagger import TemporalTagger

__all__ = ["TemporalTagger"]
