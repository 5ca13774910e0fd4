"""The compiled parts, all optional: the entity tagger's Viterbi loop (without it tagging falls back to
numpy: same labels, about a fifth slower), the neural tagger's GRU recurrence when the model has one (numpy
fallback: the same states to about 1e-6), its first layer's window sums and letter n-gram hashes (Python and numpy
fallback: the same results, the entity stage about a seventh slower) and the producer's key hash (without it, aiokafka's pure-Python
murmur2: same partitions). Everything else is configured in pyproject.toml."""
from setuptools import Extension, setup

setup(ext_modules=[
    Extension("streams.entities._viterbi", ["streams/entities/_viterbi.c"], optional=True),
    Extension("streams.entities._gru", ["streams/entities/_gru.c"], optional=True),
    Extension("streams.entities._neural", ["streams/entities/_neural.c"], optional=True),
    Extension("agents._murmur2", ["agents/_murmur2.c"], optional=True),
])
