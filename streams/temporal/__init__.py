"""Temporal expressions and timing metadata."""
