"""Fitting a probe to a model's shapes."""

import pytest
from geometries import GRU, HEALTHY, LSTM, dense, seq

from pytest_rnncheck.plan import FitError, default_timesteps, plan_probe
from pytest_rnncheck.spec import make_spec


def test_onehot_input_and_softmax_output_are_classes():
    plan = plan_probe(make_spec("lag", 2), HEALTHY["lstm_onehot"])
    assert (plan.encoding, plan.vocab, plan.timesteps, plan.form, plan.many_to_many) == ("onehot", 100, 8, "classes", False)


def test_integer_input_uses_the_embedding_vocabulary_and_a_free_window():
    plan = plan_probe(make_spec("lag", 3), HEALTHY["embedding_gru"])
    assert (plan.encoding, plan.vocab, plan.form, plan.many_to_many) == ("index", 20, "classes", True)
    assert plan.timesteps == default_timesteps(3) >= 4


def test_single_feature_input_gets_bits_or_a_scaled_value():
    bits = plan_probe(make_spec("invert", 1), HEALTHY["bit_gru_conv"])
    assert (bits.encoding, bits.vocab, bits.form) == ("binary", 2, "scalar")
    scaled = plan_probe(make_spec("lag", 1, vocab=10), seq("m", 8, 1, GRU, dense(1, "linear")))
    assert (scaled.encoding, scaled.vocab, scaled.form) == ("scaled", 10, "scalar")


def test_a_smaller_vocabulary_uses_some_channels_of_the_model():
    plan = plan_probe(make_spec("invert", 1), HEALTHY["lstm_onehot"])
    assert (plan.encoding, plan.vocab, plan.model_vocab, plan.form, plan.features) == ("onehot", 2, 100, "classes", 100)


def test_timesteps_option_sets_a_free_window_only():
    assert plan_probe(make_spec("lag", 1, timesteps=1), HEALTHY["free_window"]).timesteps == 1
    with pytest.raises(FitError, match="takes exactly 8 timesteps"):
        plan_probe(make_spec("lag", 1, timesteps=4), HEALTHY["lstm_onehot"])


def test_an_unreadable_output_still_gets_a_plan_for_the_output_shape_rule():
    plan = plan_probe(make_spec("lag", 1), seq("m", 8, 100, LSTM))  # 32-unit state as output
    assert plan.form is None


@pytest.mark.parametrize(
    "spec, geometry, option",
    [
        (make_spec("lag", 1, encoding="raw"), seq("m", 8, 100, LSTM, dense(100)), "encoding="),
        (make_spec("lag", 1, vocab=150), seq("m", 8, 100, LSTM, dense(100)), "vocab="),
        (make_spec("lag", 1), seq("m", None, None, GRU, dense(1, "linear"), integer=True), "vocab=N"),
        (make_spec("lag", 1), seq("m", None, None, GRU, dense(9)).__class__(name="sub"), "encoding= and vocab="),
        (make_spec("lag", 1, encoding="onehot"), seq("m", None, None, GRU, dense(9), integer=True, vocab=9), "encoding='index'"),
    ],
)
def test_models_the_probe_cannot_feed_name_the_option_to_set(spec, geometry, option):
    with pytest.raises(FitError, match=option.replace("(", r"\(")):
        plan_probe(spec, geometry)


def test_integer_symbols_without_an_embedding_take_the_vocabulary_from_the_softmax_head():
    plan = plan_probe(make_spec("lag", 1), seq("m", None, None, GRU, dense(9), integer=True))
    assert (plan.encoding, plan.vocab, plan.form) == ("index", 9, "classes")


def test_an_output_with_fewer_steps_is_aligned_to_the_end_and_says_so():
    import dataclasses

    seq2seq = dataclasses.replace(seq("m", 7, 12, LSTM, dense(12), rank=3), output_timesteps=4)
    plan = plan_probe(make_spec("lag", 1), seq2seq)
    assert (plan.many_to_many, plan.form, plan.output_offset) == (True, "classes", 3)
    assert any("output step j is scored as input step 3 + j" in note for note in plan.notes)


def test_a_head_narrower_than_the_input_vocabulary_sets_the_probe_symbols():
    sigmoid = plan_probe(make_spec("lag", 1), seq("imdb", None, None, LSTM, dense(1, "sigmoid"), integer=True, vocab=50))
    assert (sigmoid.encoding, sigmoid.vocab, sigmoid.model_vocab, sigmoid.form) == ("index", 2, 50, "scalar")
    two_way = plan_probe(make_spec("lag", 1), seq("clf", 8, 50, LSTM, dense(2)))
    assert (two_way.vocab, two_way.model_vocab, two_way.form) == (2, 50, "classes")
    assert any("fitted to the output head: 2 symbols" in note for note in two_way.notes)
    assert plan_probe(make_spec("lag", 1, vocab=20), seq("clf", 8, 50, LSTM, dense(2))).notes == ()


def test_a_multi_feature_input_with_a_linear_scalar_head_gets_a_continuous_probe():
    forecaster = seq("weather", 12, 7, LSTM, dense(1, "linear"))
    plan = plan_probe(make_spec("lag", 3), forecaster)
    assert (plan.encoding, plan.form, plan.model_vocab, plan.input_shape) == ("continuous", "value", 7, (12, 7))
    assert plan.chance == pytest.approx(0.1974, abs=1e-3)  # P(|z| <= 0.25) for a normal target
    assert any("continuous probe for a regressor" in note for note in plan.notes)
    with pytest.raises(FitError, match="feature=9"):
        plan_probe(make_spec("lag", 1, feature=9), forecaster)
    # one feature stays bits; a softmax head stays classes
    assert plan_probe(make_spec("lag", 1), seq("bits", 8, 1, LSTM, dense(1, "linear"))).encoding == "binary"
    assert plan_probe(make_spec("lag", 1), seq("clf", 8, 7, LSTM, dense(7))).encoding == "onehot"
