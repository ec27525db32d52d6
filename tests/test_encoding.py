"""Encodings round-trip: what the model is taught to output decodes to the symbol."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_rnncheck import encoding as enc


@given(st.integers(2, 300), st.integers(0, 2**32 - 1))
def test_onehot_and_index_inputs_carry_the_symbol(vocab, seed):
    symbols = np.random.default_rng(seed).integers(0, vocab, size=(4, 6))
    onehot = enc.encode("onehot", symbols, vocab)
    assert onehot.shape == (4, 6, vocab) and (onehot.argmax(-1) == symbols).all()
    assert (enc.encode("index", symbols, vocab) == symbols).all()


@given(st.sampled_from(["raw", "scaled", "binary"]), st.integers(2, 300), st.booleans(), st.integers(0, 2**32 - 1))
def test_targets_decode_back_to_symbols(encoding, vocab, sparse, seed):
    symbols = np.random.default_rng(seed).integers(0, vocab, size=(5, 3))
    forms = ["classes", "scalar"] + (["bits"] if encoding == "binary" else [])
    for form in forms:
        target = enc.target_array(form, symbols, encoding, vocab, sparse)
        if form == "classes" and sparse:
            target = np.eye(vocab)[target]
        assert (enc.decode(form, target, encoding, vocab) == symbols).all()


@given(st.integers(2, 64), st.integers(0, 2**32 - 1))
def test_scalar_decoding_is_nearest_symbol(vocab, seed):
    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, vocab, size=50)
    noise = rng.uniform(-0.49, 0.49, size=50) / (vocab - 1)
    values = enc.scalar_value("scaled", symbols, vocab) + noise
    assert (enc.decode("scalar", values[:, None], "scaled", vocab) == symbols).all()


def test_bits_split_at_one_half_and_out_of_range_values_clip():
    assert list(enc.decode("scalar", np.array([[0.49], [0.51], [-3.0], [7.0], [np.nan]]), "binary", 2)) == [0, 1, 0, 1, 0]
    assert enc.n_features("binary", 100) == 7 and enc.n_features("index", 5) is None


@pytest.mark.parametrize("encoding, features", [("onehot", 7), ("raw", 1), ("scaled", 1), ("binary", 3)])
def test_feature_widths(encoding, features):
    assert enc.encode(encoding, np.zeros((2, 3), int), 7).shape == (2, 3, features)
