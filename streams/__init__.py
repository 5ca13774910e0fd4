"""Khabar's processing stages: pure functions and small classes over one `Article`, no Kafka, no I/O.

Each stage takes an `Article` and returns it annotated, like a spaCy pipeline component. Anything heavy
(models, gazetteers, compiled patterns) is loaded once, when the stage is constructed.
"""
