"""Fitting a probe to a model's shapes."""

import pytest
from geometries import GRU, HEALTHY, LSTM, dense, seq

from pytest_rnncheck.plan import FitError, default_timesteps, plan_probe
from pytest_rnncheck.spec import make_spec


def test_onehot_input_and_softmax_output_are_classes():
    plan = plan_probe(make_spec("lag", 2), HEALTHY["lstm_onehot"])
    assert (plan.encoding, plan.vocab, plan.timesteps, plan.form, plan.many_to_many) == (
        "onehot", 100, 8, "classes", False,
    )


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
        (
            make_spec("lag", 1, encoding="onehot"),
            seq("m", None, None, GRU, dense(9), integer=True, vocab=9),
            "encoding='index'",
        ),
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
    sigmoid = plan_probe(
        make_spec("lag", 1), seq("imdb", None, None, LSTM, dense(1, "sigmoid"), integer=True, vocab=50)
    )
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


def test_a_free_window_is_at_least_eight_steps_and_four_more_than_the_lag():
    assert [default_timesteps(lag) for lag in (0, 1, 4, 5, 10)] == [8, 8, 8, 9, 14]


def test_a_plan_carries_the_model_s_batch_the_spec_s_tolerance_and_no_offset_when_steps_match():
    import dataclasses

    stateful = plan_probe(make_spec("lag", 1), seq("s", 4, 100, GRU, dense(100), batch=5))
    assert stateful.batch_size == 5 and stateful.output_offset == 0
    forecaster = plan_probe(make_spec("lag", 1, tolerance=0.5), seq("weather", 12, 7, LSTM, dense(1, "linear")))
    assert forecaster.tolerance == 0.5
    same_steps = dataclasses.replace(seq("m", 8, 100, LSTM, dense(100), rank=3), output_timesteps=8)
    assert plan_probe(make_spec("lag", 1), same_steps).notes == ()
    assert plan_probe(make_spec("lag", 1), HEALTHY["lstm_onehot"]).notes == ()


def test_integer_symbols_fitted_to_a_narrower_head_say_so():
    plan = plan_probe(make_spec("lag", 1), seq("imdb", None, None, LSTM, dense(1, "sigmoid"), integer=True, vocab=50))
    assert plan.notes == ("fitted to the output head: 2 symbols (the input takes 50); set vocab= to change it",)


def test_a_rank_two_input_without_an_integer_dtype_is_fed_token_ids_and_told_so():
    import dataclasses

    undeclared_dtype = dataclasses.replace(seq("m", None, None, GRU, dense(9), integer=True), integer_input=False)
    plan = plan_probe(make_spec("lag", 1), undeclared_dtype)
    assert (plan.encoding, plan.vocab) == ("index", 9)
    assert plan.notes == ("the input is declared without an integer dtype; it is fed integer symbols (token ids)",)
    assert plan_probe(make_spec("lag", 1), seq("m", None, None, GRU, dense(9), integer=True)).notes == ()
    assert plan_probe(make_spec("lag", 1, encoding="index"), HEALTHY["embedding_gru"]).encoding == "index"


@pytest.mark.parametrize(
    "spec, geometry, message",
    [
        (make_spec("lag", 1, vocab=30), seq("emb", None, None, GRU, dense(1, "linear"), integer=True, vocab=20),
         "lag(1, vocab=30) on emb: vocab=30 but the Embedding knows only 20 symbols; set vocab <= 20"),
        (make_spec("invert", 1, encoding="continuous"), seq("w", 12, 7, LSTM, dense(1, "linear")),
         "invert(1, encoding='continuous') on w: invert works on bits; a continuous probe takes echo() or lag(n)"),
        (make_spec("lag", 1, feature=7), seq("w", 12, 7, LSTM, dense(1, "linear")),
         "lag(1, feature=7) on w: feature=7 but the model reads 7 feature(s) per step"),
        (make_spec("lag", 1, encoding="onehot"), seq("one", 8, 1, LSTM, dense(1, "linear")),
         "lag(1, encoding='onehot') on one: cannot tell how many symbols to use; set vocab=N"),
        (make_spec("lag", 1, encoding="index"), seq("m", 8, 100, LSTM, dense(100)),
         "lag(1, encoding='index') on m: encoding 'index' with vocab=2 feeds integer feature(s) per step, but the "
         "model reads 100; set encoding= and vocab= to match (onehot: vocab <= features; raw/scaled: 1 feature; "
         "binary: bits of vocab)"),
        (make_spec("lag", 1), seq("sub", None, None, GRU, dense(9)).__class__(name="sub"),
         "lag(1) on sub: the model declares no input shape (e.g. an unbuilt subclassed model), so the probe cannot "
         "tell what to feed; set encoding= and vocab= on the probe (and timesteps= if the model needs a fixed "
         "window), or start the model with keras.Input"),
        (make_spec("lag", 1, vocab=5), seq("sub", None, None, GRU, dense(9)).__class__(name="sub"),
         "lag(1, vocab=5) on sub: the model declares no input shape"),
        (make_spec("lag", 1, encoding="raw"), seq("sub", None, None, GRU, dense(9)).__class__(name="sub"),
         "lag(1, encoding='raw') on sub: the model declares no input shape"),
    ],
)
def test_a_probe_that_cannot_be_fitted_says_why_in_full(spec, geometry, message):
    with pytest.raises(FitError) as error:
        plan_probe(spec, geometry)
    assert str(error.value).startswith(message)


def test_an_input_of_another_rank_is_refused_with_the_shapes_probes_feed():
    import dataclasses

    image = dataclasses.replace(seq("img", 8, 3, LSTM, dense(3)), input_rank=4)
    with pytest.raises(FitError) as error:
        plan_probe(make_spec("lag", 1), image)
    assert str(error.value) == (
        "lag(1) on img: the input has rank 4; probes feed sequences shaped (batch, timesteps, features) or integer "
        "symbols (batch, timesteps)"
    )


@pytest.mark.parametrize(
    "spec, fitted",
    [
        (make_spec("invert", 1), ("binary", 2, 2)),
        (make_spec("lag", 1, encoding="binary"), ("binary", 2, 2)),
        (make_spec("lag", 1, encoding="raw", vocab=5), ("raw", 5, 5)),
    ],
)
def test_a_model_without_a_declared_input_is_fed_what_the_probe_names(spec, fitted):
    from pytest_rnncheck.geometry import Geometry

    plan = plan_probe(spec, Geometry(name="sub", output_rank=2, output_width=1, output_activation="sigmoid"))
    assert (plan.encoding, plan.vocab, plan.model_vocab) == fitted


def test_continuous_and_binary_inputs_take_their_width_from_the_features():
    two = plan_probe(make_spec("lag", 1), seq("w", 8, 2, LSTM, dense(1, "linear")))
    assert (two.encoding, two.model_vocab, two.form) == ("continuous", 2, "value")
    asked = plan_probe(make_spec("lag", 1, encoding="continuous"), seq("w", 8, 1, LSTM, dense(1, "linear")))
    assert (asked.encoding, asked.vocab, asked.form) == ("continuous", 1, "value")
    wide = plan_probe(make_spec("lag", 1, encoding="continuous"), seq("w", 8, 4, LSTM, dense(3, "linear")))
    assert wide.form is None  # a regression reads one value per step
    bits = plan_probe(make_spec("lag", 1, encoding="binary"), seq("b", 8, 3, LSTM, dense(1, "linear")))
    assert (bits.encoding, bits.vocab, bits.features) == ("binary", 8, 3)
    three = plan_probe(make_spec("lag", 1, vocab=3, encoding="binary"), seq("b", 8, 2, LSTM, dense(2, "sigmoid")))
    assert three.form == "bits"


def test_a_logits_head_narrower_than_the_one_hot_input_sets_the_symbols():
    plan = plan_probe(make_spec("lag", 1), seq("clf", 8, 50, LSTM, dense(9, "linear")))
    assert (plan.vocab, plan.model_vocab, plan.form) == (9, 50, "classes")


@pytest.mark.parametrize(
    "spec, geometry, message",
    [
        (make_spec("selective_copy"), seq("narrow", None, 3, LSTM, dense(3), rank=3),
         "selective_copy(1) on narrow: the model takes 3 symbols but selective_copy(1) needs at least 4 "
         "(docs/probes.md); widen the input and the head, or set vocab= if the model takes more"),
        (make_spec("recall", pairs=3), seq("short", 6, 12, LSTM, dense(12), rank=3),
         "recall(pairs=3) on short: the window has 6 steps but recall(pairs=3) needs at least 7; give the model "
         "more timesteps (or keras.Input((None, ...)))"),
        (make_spec("selective_copy", 2), seq("last", None, 12, LSTM, dense(12)),
         "selective_copy(2) on last: selective_copy(2) needs 2 answers per window, one per output step, but the "
         "model gives one output per sequence; ask for fewer (selective_copy(1)), or use return_sequences=True "
         "and a per-step head"),
    ],
)
def test_a_structured_probe_that_does_not_fit_says_what_to_change_in_full(spec, geometry, message):
    with pytest.raises(FitError) as error:
        plan_probe(spec, geometry)
    assert str(error.value) == message


def test_a_structured_probe_fits_a_window_of_exactly_its_least_length():
    plan = plan_probe(make_spec("recall", pairs=3), seq("short", 7, 12, LSTM, dense(12), rank=3))
    assert (plan.timesteps, plan.vocab, plan.effort) == (7, 12, 7)
    plan = plan_probe(make_spec("selective_copy", 2), seq("exact", 5, 4, LSTM, dense(4), rank=3))
    assert (plan.timesteps, plan.vocab, plan.many_to_many) == (5, 4, True)
