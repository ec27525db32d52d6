"""Symbols <-> tensors. Pure numpy.

Inputs
  ``onehot``  one float feature per symbol: shape (..., vocab)
  ``index``   the integer symbol itself, for an ``Embedding``: shape (...)
  ``raw``     the symbol's value as one float feature: 0.0 .. vocab-1
  ``scaled``  the symbol scaled into [0, 1]: s / (vocab - 1)
  ``binary``  the symbol's bits, least significant first: shape (..., bits)
  ``continuous`` real values, N(0, 1) on every feature, for regressors: shape (..., features)

Outputs are read one of three ways, by the model's output width:
  ``classes`` width == vocab: the predicted symbol is the argmax;
  ``scalar``  width == 1: the value is decoded to the nearest symbol on the
              encoding's scale (``scaled``: s / (vocab-1); others: s itself,
              so bits are split at 0.5);
  ``bits``    width == bits (``binary`` encoding): each unit is split at 0.5.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np


class Form(StrEnum):
    """How a model's output is read (plan.py chooses): the strings are the plan's ``form``."""

    CLASSES = "classes"  # one unit per symbol: the argmax
    BITS = "bits"  # one unit per bit of the symbol
    SCALAR = "scalar"  # one unit, the symbol scaled into its range
    VALUE = "value"  # one unit, a continuous target

SCALAR_ENCODINGS = ("raw", "scaled", "binary")


def n_bits(vocab: int) -> int:
    return max(1, math.ceil(math.log2(vocab)))


def n_features(encoding: str, vocab: int) -> int | None:
    """Feature width of an encoded step; ``None`` for ``index`` (rank-2 input)."""
    return {
        "onehot": vocab,
        "continuous": vocab,  # vocab holds the number of features here
        "index": None,
        "raw": 1,
        "scaled": 1,
        "binary": n_bits(vocab),
    }[encoding]


def encode(encoding: str, symbols: np.ndarray, vocab: int) -> np.ndarray:
    """Encode integer symbols for the model's input."""
    if encoding == "index":
        return symbols.astype("int32")
    if encoding == "continuous":
        return symbols.astype("float32")
    if encoding == "onehot":
        return np.eye(vocab, dtype="float32")[symbols]
    if encoding == "binary":
        return bits_of(symbols, n_bits(vocab))
    return scalar_value(encoding, symbols, vocab)[..., None]


def bits_of(symbols: np.ndarray, width: int) -> np.ndarray:
    shifts = np.arange(width)
    return ((symbols[..., None] >> shifts) & 1).astype("float32")


def scalar_scale(encoding: str, vocab: int) -> float:
    """The value one symbol step is worth on a scalar output."""
    return 1.0 / (vocab - 1) if encoding == "scaled" else 1.0


def scalar_value(encoding: str, symbols: np.ndarray, vocab: int) -> np.ndarray:
    """The scalar a width-1 output should produce for each symbol."""
    return (symbols * scalar_scale(encoding, vocab)).astype("float32")


def decode(form: str, outputs: np.ndarray, encoding: str, vocab: int) -> np.ndarray:
    """Turn model outputs (..., width) into predicted symbols (...)."""
    if form == Form.CLASSES:
        return outputs.argmax(axis=-1)
    if form == Form.BITS:
        weights = 1 << np.arange(outputs.shape[-1])
        return ((outputs > 0.5) * weights).sum(axis=-1)
    with np.errstate(over="ignore", invalid="ignore"):  # huge or NaN outputs decode to the ends below
        values = outputs[..., 0] / scalar_scale(encoding, vocab)
    values = np.nan_to_num(values, nan=-1.0, posinf=vocab, neginf=-1.0)
    return np.clip(np.rint(values), 0, vocab - 1).astype(int)


def target_array(form: str, targets: np.ndarray, encoding: str, vocab: int, sparse: bool) -> np.ndarray:
    """Targets in the shape the loss expects for this output form."""
    if form == Form.VALUE:
        return targets.astype("float32")[..., None]
    if form == Form.CLASSES:
        if sparse:
            return targets.astype("int32")
        return np.eye(vocab, dtype="float32")[targets]
    if form == Form.BITS:
        return bits_of(targets, n_bits(vocab))
    return scalar_value(encoding, targets, vocab)[..., None]
