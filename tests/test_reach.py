"""Reach analysis: which input steps each output depends on, on untrained models
with known receptive fields. Forward passes only; nothing is trained."""

import numpy as np
import pytest

from pytest_rnncheck.encoding import encode
from pytest_rnncheck.reach import describe_reach, measure


def onehot(vocab):
    return lambda symbols: encode("onehot", symbols, vocab)


def window_sum(back, ahead=0):
    """A numpy 'model': output t sums the one-hot inputs t-back..t+ahead with fixed weights."""
    weights = np.random.default_rng(1).normal(size=(back + ahead + 1, 5, 3))

    def forward(x):
        out = np.zeros(x.shape[:2] + (3,))
        for t in range(x.shape[1]):
            for k, s in enumerate(range(t - back, t + ahead + 1)):
                if 0 <= s < x.shape[1]:
                    out[:, t] += x[:, s] @ weights[k]
        return out

    return forward


def test_a_window_model_has_its_window_as_receptive_field_and_no_future():
    reach = measure([window_sum(2)], onehot(5), 5, 10, np.random.default_rng(0))
    assert reach.receptive_field() == 3 and reach.future_steps() == []
    assert describe_reach(reach) == "x[t-2..t] only"
    assert reach.lag_ceiling(2, 0.2)[0] == 1.0
    ceiling, seen, scored = reach.lag_ceiling(3, 0.2)
    assert (ceiling, seen, scored) == (pytest.approx(0.2), 0, 7)


def test_looking_ahead_is_found_with_how_far():
    reach = measure([window_sum(1, ahead=2)], onehot(5), 5, 10, np.random.default_rng(0))
    pairs = reach.future_steps()
    assert max(s - t for t, s in pairs) == 2 and reach.receptive_field() == 2


def test_a_many_to_one_output_stands_at_the_last_step():
    def last_two(x):
        return x[:, -1] + 0.5 * x[:, -2]

    reach = measure([last_two], onehot(5), 5, 8, np.random.default_rng(0))
    assert list(reach.output_steps) == [7] and reach.receptive_field() == 2
    assert reach.lag_ceiling(1, 0.2)[0] == 1.0 and reach.lag_ceiling(2, 0.2)[0] == pytest.approx(0.2)


def test_a_dependence_seen_under_one_initialisation_counts():
    dead = lambda x: np.zeros(x.shape[:2] + (3,))  # noqa: E731 - a dead initialisation sees nothing
    reach = measure([dead, window_sum(3)], onehot(5), 5, 10, np.random.default_rng(0))
    assert reach.receptive_field() == 4 and reach.initialisations == 2


# -- real Keras layers, untrained ---------------------------------------------
keras = pytest.importorskip("keras")
layers = keras.layers


def keras_reach(*body, timesteps=12, vocab=6):
    from pytest_rnncheck.keras_adapter import measure_reach
    from pytest_rnncheck.plan import ProbePlan

    model = keras.Sequential([keras.Input((timesteps, vocab)), *body, layers.Dense(vocab, activation="softmax")])
    plan = ProbePlan("onehot", vocab, timesteps, True, "classes", model_vocab=vocab)
    return measure_reach(model, plan, seed=0)


@pytest.mark.parametrize(
    "body, field, future",
    [
        ([layers.GRU(8, return_sequences=True)], 12, False),
        ([layers.Conv1D(8, 3, padding="causal")], 3, False),
        ([layers.Conv1D(8, 3, padding="same")], 2, True),
        ([layers.Conv1D(8, 2, padding="causal", dilation_rate=d) for d in (1, 2, 4)], 8, False),
        ([layers.Bidirectional(layers.LSTM(4, return_sequences=True))], 12, True),
        ([layers.Dense(8)], 1, False),
    ],
    ids=["gru", "causal-conv3", "same-conv3", "tcn-1-2-4", "bidirectional", "dense"],
)
def test_keras_layers_have_their_known_receptive_fields(body, field, future):
    reach = keras_reach(*body)
    assert reach.receptive_field() == field
    assert bool(reach.future_steps()) is future
    assert reach.initialisations == 2  # the model's own weights and a fresh clone


@pytest.mark.parametrize("causal", [True, False])
def test_attention_looks_ahead_exactly_when_unmasked(causal):
    inp = keras.Input((8, 5))
    out = layers.Dense(5, activation="softmax")(layers.MultiHeadAttention(2, 4)(inp, inp, use_causal_mask=causal))
    from pytest_rnncheck.keras_adapter import measure_reach
    from pytest_rnncheck.plan import ProbePlan

    reach = measure_reach(keras.Model(inp, out), ProbePlan("onehot", 5, 8, True, "classes", model_vocab=5), 0)
    assert bool(reach.future_steps()) is not causal
    assert reach.receptive_field() == 8


def test_a_stateful_model_is_not_measured():
    from pytest_rnncheck.keras_adapter import measure_reach
    from pytest_rnncheck.plan import ProbePlan

    model = keras.Sequential([keras.Input((1, 1), batch_size=1), layers.GRU(4, stateful=True)])
    assert measure_reach(model, ProbePlan("binary", 2, 1, False, "scalar", 1, True, 2), 0) is None


def test_a_model_without_positions_is_order_blind_and_one_with_them_is_not():
    def transformer(positions):
        inp = keras.Input((10, 6))
        x = layers.Dense(16)(inp)
        if positions:
            x = x + layers.Embedding(10, 16)(keras.ops.arange(10))
        x = layers.LayerNormalization()(x + layers.MultiHeadAttention(2, 8)(x, x))
        x = layers.Conv1D(16, 1, activation="relu")(x)
        return keras.Model(inp, layers.Dense(6, activation="softmax")(layers.GlobalAveragePooling1D()(x)))

    from pytest_rnncheck.keras_adapter import measure_reach
    from pytest_rnncheck.plan import ProbePlan

    plan = ProbePlan("onehot", 6, 10, False, "classes", model_vocab=6)
    assert measure_reach(transformer(False), plan, 0).order_blind
    assert not measure_reach(transformer(True), plan, 0).order_blind
    assert not keras_reach(layers.GRU(8, return_sequences=True)).order_blind


def test_real_valued_steps_are_perturbed_too():
    def lag_two_of_feature_one(x):  # (rows, steps, features) -> (rows, steps, 1)
        out = np.zeros(x.shape[:2] + (1,))
        out[:, 2:, 0] = x[:, :-2, 1]
        return out

    reach = measure([lag_two_of_feature_one], lambda v: v, 0, 8, np.random.default_rng(0), features=3)
    assert reach.lag_ceiling(2, 0.2)[0] == 1.0 and reach.lag_ceiling(1, 0.2)[1] == 0


def reach_of(depends, output_steps=None):
    from pytest_rnncheck.reach import ReachMap

    depends = np.asarray(depends, dtype=bool)
    steps = np.arange(depends.shape[1]) if output_steps is None else np.asarray(output_steps)
    return ReachMap(depends, depends.astype(float), steps, 1)


def test_the_ceiling_counts_only_scored_outputs_and_is_one_with_nothing_to_score():
    # outputs 1..3 reach one step back, except output 3, which is not scored
    depends = [[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 0, 1]]
    reach = reach_of(depends)
    assert reach.lag_ceiling(1, 0.25) == (pytest.approx((2 + 0.25) / 3), 2, 3)
    assert reach.lag_ceiling(1, 0.25, np.array([True, True, True, False])) == (1.0, 2, 2)
    # lag 4 on 4 steps: no output stands far enough from the start; nothing limits the accuracy
    assert reach.lag_ceiling(4, 0.25) == (1.0, 0, 0)
    assert reach.lag_ceiling(1, 0.25, np.zeros(4, dtype=bool)) == (1.0, 0, 0)


def test_reach_descriptions_for_the_present_only_and_for_nothing_before_t():
    assert describe_reach(reach_of(np.eye(5))) == "x[t] only"
    assert reach_of(np.eye(5)).receptive_field() == 1
    ahead = np.eye(5, k=1)  # each output sees only the next step
    assert reach_of(ahead).receptive_field() == 0
    assert describe_reach(reach_of(ahead)) == "no input step at or before t"
    assert describe_reach(reach_of(np.tril(np.ones((5, 5))) - np.tril(np.ones((5, 5)), -2))) == "x[t-1..t] only"


@pytest.mark.parametrize("lag", [0, 1, 2])
def test_an_order_blind_model_is_right_when_the_symbol_is_the_window_s_most_frequent(lag):
    from pytest_rnncheck.reach import order_blind_ceiling

    # three bits: the majority matches any one of them 3 times in 4
    assert order_blind_ceiling(lag, 2, 3, np.random.default_rng(0)) == pytest.approx(0.75, abs=0.03)
    # one step and one window: the bag is the sequence
    assert order_blind_ceiling(0, 5, 1, np.random.default_rng(0)) == 1.0


@pytest.mark.parametrize("vocab", [2, 3, 7])
def test_each_perturbed_row_changes_exactly_its_step_to_another_symbol(vocab):
    from pytest_rnncheck.reach import perturbations

    base = np.random.default_rng(1).integers(0, vocab, size=(3, 5))
    rows, changed = perturbations(base, vocab, np.random.default_rng(2))
    assert rows.shape == (3 * 6, 5) and list(changed[:6]) == [-1, 0, 1, 2, 3, 4]
    for b in range(3):
        block = rows[6 * b : 6 * (b + 1)]
        assert (block[0] == base[b]).all()  # the base itself, unchanged (-1)
        for s in range(5):
            differs = np.flatnonzero(block[1 + s] != base[b])
            assert list(differs) == [s] and 0 <= block[1 + s, s] < vocab


def test_real_valued_steps_get_fresh_values_on_every_feature():
    from pytest_rnncheck.reach import perturbations

    base = np.zeros((1, 4, 3))
    rows, changed = perturbations(base, 0, np.random.default_rng(0))
    assert rows.shape == (5, 4, 3) and list(changed) == [-1, 0, 1, 2, 3]
    for s in range(4):
        new = rows[1 + s, s]
        assert np.all(new != 0) and len(set(new.tolist())) == 3  # three independent draws
        assert not np.delete(rows[1 + s], s, axis=0).any()


def test_real_valued_steps_have_one_feature_unless_told_otherwise():
    widths = []

    def forward(x):
        widths.append(x.shape[-1])
        return x[..., :1].copy()

    reach = measure([forward], lambda v: v, 0, 6, np.random.default_rng(0))
    assert widths == [1] and reach.receptive_field() == 1


def test_future_steps_can_be_limited_to_scored_outputs():
    reach = reach_of(np.ones((4, 4)))  # every output sees every step
    assert reach.future_steps() == [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    assert reach.future_steps(np.array([False, False, True, True])) == [(2, 3)]
    assert reach.future_steps(np.array([True, False, False, False])) == [(0, 1), (0, 2), (0, 3)]


def test_the_receptive_field_is_what_every_output_far_enough_from_the_start_reaches():
    depends = np.zeros((6, 6), dtype=bool)
    for t, back in [(0, 0), (1, 1), (2, 1), (3, 1), (4, 3), (5, 3)]:
        depends[t, t - back : t + 1] = True
    # outputs 4 and 5 reach 3 steps back, but output 3 could have and reaches 1: the field is 2
    assert reach_of(depends).receptive_field() == 2
    assert describe_reach(reach_of(depends)) == "x[t-1..t] only"


def test_a_dependence_that_shows_for_some_symbols_only_is_found():
    def both_zero(x):  # output t is 1 when x[t] and x[t-1] are both symbol 0: an AND of one-hot channels
        out = np.zeros(x.shape[:2] + (1,))
        out[:, 1:, 0] = x[:, 1:, 0] * x[:, :-1, 0]
        return out

    reach = measure([both_zero], onehot(2), 2, 8, np.random.default_rng(0))
    assert reach.receptive_field() == 2 and reach.future_steps() == []


def test_an_initialisation_that_sees_nothing_does_not_erase_one_that_did():
    dead = lambda x: np.zeros(x.shape[:2] + (3,))  # noqa: E731
    reach = measure([window_sum(3), dead], onehot(5), 5, 10, np.random.default_rng(0))
    assert reach.receptive_field() == 4


def test_a_dead_model_depends_on_nothing_and_is_not_called_order_blind():
    dead = lambda x: np.zeros(x.shape[:2] + (3,))  # noqa: E731
    reach = measure([dead], onehot(5), 5, 6, np.random.default_rng(0))
    assert reach.depends.dtype == bool and reach.depends.shape == (6, 6) and not reach.depends.any()
    assert reach.receptive_field() == 0 and not reach.order_blind


def test_the_threshold_is_relative_so_a_model_with_tiny_outputs_is_measured_alike():
    window = window_sum(2)
    tiny = lambda x: 1e-5 * window(x)  # noqa: E731
    reach = measure([tiny], onehot(5), 5, 10, np.random.default_rng(0))
    assert reach.receptive_field() == 3 and reach.future_steps() == [] and not reach.order_blind


def test_strength_is_the_largest_change_seen():
    reach = measure([lambda x: 2.0 * x], onehot(4), 4, 5, np.random.default_rng(0))  # output t = 2 * one-hot x[t]
    assert reach.strength.dtype == np.float64 and np.array_equal(reach.strength, 2.0 * np.eye(5))
    assert reach.receptive_field() == 1


def test_a_per_step_output_over_the_whole_bag_is_order_blind():
    def bag(x):  # output t: x[t] plus the sum of all steps, whatever their order
        return x + x.sum(axis=1, keepdims=True)

    reach = measure([bag], onehot(3), 3, 6, np.random.default_rng(0))
    assert reach.order_blind and reach.receptive_field() == 6
    assert not measure([window_sum(1)], onehot(5), 5, 6, np.random.default_rng(0)).order_blind


def test_fewer_output_steps_than_input_steps_stand_at_the_end():
    def valid_conv(x):  # output j reads x[j..j+2]: a 'valid' convolution, two steps shorter
        return x[:, :-2] + 0.5 * x[:, 1:-1] + 0.25 * x[:, 2:]

    reach = measure([valid_conv], onehot(4), 4, 8, np.random.default_rng(0))
    assert list(reach.output_steps) == [2, 3, 4, 5, 6, 7]
    assert reach.receptive_field() == 3 and reach.future_steps() == []


def test_every_unit_of_a_many_to_one_output_counts():
    def split(x):  # unit 0 reads the last step, the other units the step three back
        return np.concatenate([x[:, -1, :1], x[:, -3, 1:]], axis=-1)

    reach = measure([split], onehot(4), 4, 6, np.random.default_rng(0))
    assert list(reach.output_steps) == [5] and reach.receptive_field() == 3


def test_non_finite_outputs_make_the_reach_unmeasurable_rather_than_empty():
    """A model whose fresh outputs are NaN shows nothing about what it sees: no reach, so no
    missing-context or future-leak claim can rest on it."""
    import numpy as np

    from pytest_rnncheck.reach import UnmeasurableReach, measure

    def nan_forward(x):
        return np.full((len(x), 3), np.nan)

    with pytest.raises(UnmeasurableReach):
        measure([nan_forward], lambda s: np.eye(3)[s], 3, 5, np.random.default_rng(0))
