"""Arabic named entities (PERS, LOC, ORG, MISC): a CRF tagger with gazetteer features, canonical grouping
and offline geocoding. The model and lists ship in `streams/entities/model/`, built by `train.py`."""
from streams.entities.recognizer import EntityRecognizer

__all__ = ["EntityRecognizer"]
