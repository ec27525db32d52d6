"""Tests of diagnosis/masking.py. ``masking-collision``: a Masking value or Embedding(mask_zero=True)
equal to a real encoded step."""

from geometries import GRU, LSTM, LayerInfo, dense, seq
from rule_helpers import static

from pytest_rnncheck.spec import make_spec


def test_a_masking_value_that_equals_a_real_step_is_named():
    masking = LayerInfo("Masking", None, False, mask_value=0.0)
    bits = seq("m", 8, 1, masking, LSTM, dense(1, "sigmoid"))
    (found,) = static(make_spec("lag", 1), bits)
    assert found.code == "masking-collision" and "mask_value=0" in found.message and "50%" in found.message
    onehot = seq("m", 8, 10, masking, LSTM, dense(10))
    assert static(make_spec("lag", 1), onehot) == []  # a one-hot step is never all zeros
    other = seq("m", 8, 1, LayerInfo("Masking", None, False, mask_value=-1.0), LSTM, dense(1, "sigmoid"))
    assert static(make_spec("lag", 1), other) == []


def test_an_embedding_that_masks_token_zero_collides_with_a_real_symbol():
    embedding = LayerInfo("Embedding", None, False, name="emb", mask_value=0.0)
    geometry = seq("m", 8, None, embedding, LSTM, dense(5), integer=True, vocab=5)
    (found,) = static(make_spec("lag", 1), geometry)
    assert found.code == "masking-collision" and "mask_zero=True" in found.message and "20%" in found.message


def test_a_masked_embedding_token_zero_is_a_real_symbol():
    embedding = LayerInfo("Embedding", None, False, name="emb", mask_value=0.0)
    geometry = seq("m", None, None, embedding, GRU, dense(20), integer=True, vocab=20)
    (found,) = static(make_spec("lag", 1), geometry)
    assert found.code == "masking-collision" and found.severity == "error"
    assert found.message == (
        "Embedding 'emb' has mask_zero=True, so token 0 is padding, but 0 is one of the 20 real symbols: "
        "about 5% of real steps are skipped"
    )
    assert found.fix == (
        "drop mask_zero=True, or shift the real tokens to start at 1 (Embedding(vocab + 1, d)) and keep 0 for padding"
    )
    plain = seq(
        "m", None, None, LayerInfo("Embedding", None, False, name="emb"), GRU, dense(20), integer=True, vocab=20
    )
    assert static(make_spec("lag", 1), plain) == []


def test_a_masking_collision_lists_the_symbols_it_hides():
    masking = LayerInfo("Masking", None, False, mask_value=0.0)
    binary = seq("m", 8, 3, masking, LSTM, dense(8))  # bits of 8 symbols: only symbol 0 is all zeros
    (found,) = static(make_spec("lag", 1, vocab=8, encoding="binary"), binary)
    assert found.message == (
        "Masking(mask_value=0) equals the encoded step of symbol 0 (binary encoding): about 12% of real input "
        "steps are skipped as padding, so the model never sees them"
    )
    assert found.fix == (
        "pick a mask_value no real step takes (e.g. Masking(mask_value=-1.0) and pad with -1.0), or shift or "
        "one-hot encode the data so a real step never equals the padding value"
    )
    two = seq(
        "m",
        8,
        1,
        LayerInfo("Masking", None, False, mask_value=0.0),
        LayerInfo("Masking", None, False, mask_value=1.0),
        LSTM,
        dense(1, "sigmoid"),
    )
    found = static(make_spec("lag", 1), two)
    assert [p.code for p in found] == ["masking-collision", "masking-collision"]
    raw = seq("m", 8, 1, LayerInfo("Masking", None, False, mask_value=0.0), LSTM, dense(1, "linear"))
    (zero,) = static(make_spec("lag", 1, vocab=8, encoding="raw"), raw)
    assert "symbol 0 (raw" in zero.message
    scaled = seq("m", 8, 1, LayerInfo("Masking", None, False, mask_value=1.0), LSTM, dense(1, "linear"))
    (top,) = static(make_spec("lag", 1, vocab=8, encoding="scaled"), scaled)
    assert "Masking(mask_value=1) equals the encoded step of symbol 7 (scaled" in top.message
    # a continuous probe's real values never equal the mask exactly
    regressor = seq("r", 8, 4, LayerInfo("Masking", None, False, mask_value=0.0), LSTM, dense(1, "linear"))
    assert static(make_spec("lag", 1), regressor) == []


def test_a_masking_layer_that_misses_does_not_hide_one_that_hits():
    layers = (LayerInfo("Masking", None, False, mask_value=-1.0), LayerInfo("Masking", None, False, mask_value=0.0))
    geometry = seq("m", 8, 1, *layers, LSTM, dense(1, "sigmoid"))
    (found,) = static(make_spec("invert", 1), geometry)
    assert found.severity == "error" and found.message.startswith(
        "Masking(mask_value=0) equals the encoded step of symbol 0 (binary encoding): about 50% of real input steps"
    )
