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
    assert list(
        enc.decode("scalar", np.array([[0.49], [0.51], [-3.0], [7.0], [np.nan]]), "binary", 2)
    ) == [0, 1, 0, 1, 0]
    assert enc.n_features("binary", 100) == 7 and enc.n_features("index", 5) is None


@pytest.mark.parametrize("encoding, features", [("onehot", 7), ("raw", 1), ("scaled", 1), ("binary", 3)])
def test_feature_widths(encoding, features):
    assert enc.encode(encoding, np.zeros((2, 3), int), 7).shape == (2, 3, features)


@pytest.mark.parametrize("encoding", ["onehot", "raw", "scaled", "binary"])
def test_float_inputs_and_targets_are_float32_and_predictions_are_integer_symbols(encoding):
    # Keras layers compute in float32: a float64 batch would be cast on every step and
    # take twice the memory. Predictions are symbols, used to count hits and distinct guesses.
    symbols = np.array([[0, 3, 6], [1, 2, 5]])
    assert enc.encode(encoding, symbols, 7).dtype == np.float32
    forms = ["classes", "scalar"] + (["bits"] if encoding == "binary" else [])
    for form in forms:
        target = enc.target_array(form, symbols, encoding, 7, sparse=False)
        assert target.dtype == np.float32, form
        wide = np.eye(7)[symbols] if form == "classes" else target
        decoded = enc.decode(form, wide, encoding, 7)
        assert np.issubdtype(decoded.dtype, np.integer) and (decoded == symbols).all(), form


def test_a_bit_output_of_exactly_one_half_is_off():
    # Bits are split strictly above 0.5, as a scalar output rounds 0.5 down to 0.
    outputs = np.array([[0.5, 0.5001, 1.0], [0.4999, 0.5, 0.0]])
    assert list(enc.decode("bits", outputs, "binary", 8)) == [0b110, 0]
    assert list(enc.decode("scalar", np.array([[0.5]]), "binary", 2)) == [0]


@pytest.mark.parametrize("encoding, vocab", [("raw", 10), ("scaled", 10), ("binary", 10)])
def test_infinite_and_nan_scalar_outputs_decode_to_the_ends_of_the_vocabulary(encoding, vocab):
    outputs = np.array([[-np.inf], [np.inf], [np.nan], [-1e30]])
    assert list(enc.decode("scalar", outputs, encoding, vocab)) == [0, vocab - 1, 0, 0]


def test_regression_targets_are_the_real_values_with_a_feature_axis():
    targets = np.array([[0.25, -1.5], [3.0, 0.0]])
    y = enc.target_array("value", targets, "continuous", 4, sparse=False)
    assert y.shape == (2, 2, 1) and y.dtype == np.float32
    assert np.allclose(y[..., 0], targets)


def test_index_inputs_are_int32_token_ids_and_scalar_inputs_sit_on_the_encoding_s_scale():
    symbols = np.array([[0, 2, 4]])
    index = enc.encode("index", symbols, 5)
    assert index.dtype == np.int32 and (index == symbols).all()
    assert enc.encode("scaled", symbols, 5)[..., 0].tolist() == [[0.0, 0.5, 1.0]]
    assert enc.encode("raw", symbols, 5)[..., 0].tolist() == [[0.0, 2.0, 4.0]]


def test_continuous_inputs_are_the_values_themselves_as_float32():
    values = np.random.default_rng(0).standard_normal((2, 3, 4))
    encoded = enc.encode("continuous", values, 4)
    assert encoded.shape == (2, 3, 4) and encoded.dtype == np.float32
    assert np.allclose(encoded, values)
