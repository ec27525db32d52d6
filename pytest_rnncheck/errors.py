"""Errors that end one probe with a clear message (the other tests go on)."""


class RnnCheckError(Exception):
    """A probe could not run; the message says what was wrong and what to do."""


class ModelError(RnnCheckError):
    """What the test handed to ``rnncheck(...)`` is not a usable Keras model."""
