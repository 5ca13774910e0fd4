"""Khabar's service: the Faust app, topics, one agent per stage, dead letters, metrics and the CLI.

Thin wiring around `streams/`: an agent decodes, calls a stage, sends, and counts. No NLP lives here.
"""
