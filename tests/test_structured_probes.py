"""selective_copy, recall and flipflop: each window checked against a plain reading of the
definition in docs/probes.md, by property; plus how each is fitted to a model."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_rnncheck.geometry import Geometry
from pytest_rnncheck.kinds import FLIPFLOP_VOCAB, IGNORE, KINDS, READ, WRITE
from pytest_rnncheck.plan import FitError, plan_probe
from pytest_rnncheck.probes import draw, last_step
from pytest_rnncheck.spec import ProbeSpecError, make_spec, parse_expression

seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=60, deadline=None)
@given(seed=seeds, vocab=st.integers(4, 30), k=st.integers(1, 6), extra=st.integers(1, 20))
def test_selective_copy_recalls_the_data_symbols_in_order_at_the_markers(seed, vocab, k, extra):
    timesteps = 2 * k + extra
    data = draw(make_spec("selective_copy", k), np.random.default_rng(seed), vocab, 50, timesteps)
    noise, marker = vocab - 2, vocab - 1
    for symbols, targets, scored in zip(data.symbols[0], data.targets[0], data.scored[0]):
        body = symbols[: timesteps - k]
        kept = [s for s in body if s != noise]
        assert len(kept) == k and all(0 <= s < vocab - 2 for s in kept)  # k data symbols, the rest noise
        assert list(symbols[timesteps - k :]) == [marker] * k
        assert list(scored) == [False] * (timesteps - k) + [True] * k
        assert list(targets[scored]) == kept  # in order of appearance


def test_selective_copy_places_the_symbols_anywhere_so_no_fixed_delay_finds_them():
    data = draw(make_spec("selective_copy", 2), np.random.default_rng(0), 10, 4000, 16)
    symbols = data.symbols[0]
    first = np.argmax(symbols != 8, axis=1)  # where the first data symbol sits
    assert set(first) == set(range(0, 13))  # every position of the body but the last is used
    # a delay line reading the step that holds the first symbol most often is right rarely
    most = np.bincount(first).max() / len(first)
    assert most < 0.2


def test_selective_copy_draws_every_data_symbol_and_never_noise_or_marker():
    # vocab 6: data symbols 0..3, noise 4, marker 5; with 2000 windows each data symbol appears
    data = draw(make_spec("selective_copy", 2), np.random.default_rng(0), 6, 2000, 10)
    answers = data.targets[0][data.scored[0]]
    assert sorted(set(answers.tolist())) == [0, 1, 2, 3]
    assert np.bincount(answers).min() / answers.size > 0.2  # uniform over the four


@settings(max_examples=60, deadline=None)
@given(seed=seeds, vocab=st.integers(4, 40), pairs=st.integers(1, 8), queries=st.integers(1, 10))
def test_recall_answers_each_query_with_the_value_paired_to_its_key(seed, vocab, pairs, queries):
    pairs = min(pairs, vocab // 2)
    timesteps = 2 * pairs + queries
    data = draw(make_spec("recall", pairs=pairs), np.random.default_rng(seed), vocab, 40, timesteps)
    for symbols, targets, scored in zip(data.symbols[0], data.targets[0], data.scored[0]):
        keys, values = symbols[0 : 2 * pairs : 2], symbols[1 : 2 * pairs : 2]
        assert len(set(keys)) == pairs and all(k < vocab // 2 for k in keys)  # distinct keys, lower half
        assert all(vocab // 2 <= v < vocab for v in values)  # values, upper half
        table = dict(zip(keys, values))
        assert list(scored) == [False] * (2 * pairs) + [True] * queries
        for step in range(2 * pairs, timesteps):
            assert symbols[step] in table and targets[step] == table[symbols[step]]


def test_recall_queries_ask_different_keys_within_a_window():
    data = draw(make_spec("recall", pairs=4), np.random.default_rng(0), 16, 500, 20)
    queries = data.symbols[0][:, 8:]
    asked = np.array([len(set(row.tolist())) for row in queries])
    assert asked.min() >= 2 and asked.mean() > 3.5  # 12 queries over 4 keys: nearly always all four


@pytest.mark.parametrize("expression, vocab", [("selective_copy(2)", 7), ("recall(pairs=3)", 9), ("flipflop()", 5)])
def test_structured_windows_are_integer_symbols_that_one_hot_encode(expression, vocab):
    from pytest_rnncheck.encoding import encode

    spec = parse_expression(expression)
    data = draw(spec, np.random.default_rng(0), vocab, 30, 12)
    assert data.symbols.dtype.kind == "i" and data.targets.dtype.kind == "i"
    onehot = encode("onehot", data.symbols, vocab)
    assert onehot.shape == (1, 30, 12, vocab)
    np.testing.assert_array_equal(onehot.argmax(-1), data.symbols)


def reference_flipflop(symbols):
    """Read the window as a program: (instruction, bit) pairs, the last step a read."""
    register, targets = None, {}
    timesteps = len(symbols)
    for step in range((timesteps - 1) % 2, timesteps, 2):
        op = symbols[step]
        if op == READ:
            targets[step] = register
            if step + 1 < timesteps:
                assert symbols[step + 1] == register  # the bit after a read repeats the register
        elif op == WRITE:
            register = symbols[step + 1]
        else:
            assert op == IGNORE
    return targets


@settings(max_examples=60, deadline=None)
@given(seed=seeds, timesteps=st.integers(3, 41))
def test_flipflop_targets_are_the_last_bit_written_at_every_read(seed, timesteps):
    data = draw(make_spec("flipflop"), np.random.default_rng(seed), FLIPFLOP_VOCAB, 30, timesteps)
    for symbols, targets, scored in zip(data.symbols[0], data.targets[0], data.scored[0]):
        expected = reference_flipflop(list(symbols))
        first = (timesteps - 1) % 2
        assert symbols[first] == WRITE and symbols[-1] == READ
        assert sorted(np.flatnonzero(scored)) == sorted(expected)
        assert all(targets[step] == bit for step, bit in expected.items())
        assert all(symbols[step] in (0, 1) for step in range(first + 1, timesteps, 2))


def test_flipflop_is_mostly_distractors_and_its_answers_are_balanced_bits():
    data = draw(make_spec("flipflop"), np.random.default_rng(1), FLIPFLOP_VOCAB, 4000, 32)
    symbols = data.symbols[0]
    instructions = symbols[:, 3:-1:2]  # between the first write (step 1) and the last read
    assert 0.75 < np.mean(instructions == IGNORE) < 0.85
    answers = data.targets[0][data.scored[0]]
    assert 0.45 < answers.mean() < 0.55


@pytest.mark.parametrize(
    "expression, vocab, chance",
    [
        ("selective_copy(2)", 12, 0.1),
        ("recall(pairs=3)", 12, 1 / 6),
        ("recall(pairs=3)", 11, 1 / 6),
        ("flipflop()", 5, 0.5),
    ],
)
def test_chance_is_the_best_constant_guess_of_each_kind(expression, vocab, chance):
    spec = parse_expression(expression)
    assert KINDS[spec.kind].chance(vocab) == pytest.approx(chance)
    data = draw(spec, np.random.default_rng(0), vocab, 20000, KINDS[spec.kind].default_timesteps(spec.n))
    answers = data.targets[0][data.scored[0]]
    best = np.bincount(answers).max() / answers.size  # the most frequent answer's share
    assert best == pytest.approx(chance, abs=0.02)


def geometry(timesteps=None, width=12, per_step=True, embedding=None):
    return Geometry(
        name="m", input_rank=2 if embedding else 3, timesteps=timesteps, features=None if embedding else width,
        integer_input=bool(embedding), embedding_vocab=embedding, output_rank=3 if per_step else 2,
        output_timesteps=timesteps if per_step else None, output_width=width, output_activation="softmax",
    )


def test_structured_kinds_get_their_own_window_vocabulary_and_budget_effort():
    plan = plan_probe(parse_expression("selective_copy(4)"), geometry())
    assert (plan.timesteps, plan.vocab, plan.effort) == (16, 12, 16)
    assert plan.chance == pytest.approx(0.1)
    plan = plan_probe(parse_expression("recall(pairs=5)"), geometry())
    assert (plan.timesteps, plan.effort) == (15, 15)
    plan = plan_probe(parse_expression("flipflop()"), geometry(width=5))
    assert (plan.timesteps, plan.vocab, plan.chance, plan.final_sequences) == (32, 5, 0.5, 8192)
    plan = plan_probe(parse_expression("flipflop()"), geometry(width=5, embedding=5))
    assert (plan.encoding, plan.vocab) == ("index", 5)
    assert plan_probe(parse_expression("lag(3)"), geometry()).effort == 3


def test_a_model_that_cannot_hold_a_structured_probe_is_told_what_to_change():
    with pytest.raises(
        FitError, match=r"selective_copy\(3\) needs 3 answers per window, one per output step.*selective_copy\(1\)"
    ):
        plan_probe(parse_expression("selective_copy(3)"), geometry(per_step=False))
    assert plan_probe(parse_expression("selective_copy(1)"), geometry(per_step=False)).many_to_many is False
    with pytest.raises(FitError, match=r"window has 6 steps but recall\(pairs=3\) needs at least 7"):
        plan_probe(parse_expression("recall(pairs=3)"), geometry(timesteps=6))
    with pytest.raises(FitError, match=r"takes 3 symbols but selective_copy\(1\) needs at least 4"):
        plan_probe(parse_expression("selective_copy()"), geometry(width=3))
    with pytest.raises(FitError, match=r"takes 4 symbols but recall\(pairs=3\) needs at least 6"):
        plan_probe(parse_expression("recall(pairs=3)"), geometry(width=4))


def test_a_many_to_one_model_is_scored_on_the_last_answer_only():
    data = last_step(draw(make_spec("recall", pairs=2), np.random.default_rng(0), 8, 100, 6))
    assert data.scored.shape == (1, 100, 1) and data.scored.all()


@pytest.mark.parametrize(
    "expression, message",
    [
        ("selective_copy(0)", "k must be an integer >= 1"),
        ("recall(pairs=0)", "pairs must be an integer >= 1"),
        ("recall(pairs=5, vocab=8)", "vocab=8 is too few: recall(pairs=5) needs at least 10 symbols"),
        ("selective_copy(vocab=3)", "vocab=3 is too few: selective_copy(1) needs at least 4 symbols"),
        ("flipflop(vocab=6)", "flipflop always uses 5 symbols; drop vocab"),
        ("flipflop(2)", "flipflop() takes no lag"),
        ("selective_copy(4, timesteps=8)", "timesteps=8 is too short: selective_copy(4) needs at least 9"),
    ],
)
def test_every_option_of_the_new_kinds_is_validated_with_a_clear_error(expression, message):
    with pytest.raises(ProbeSpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_expression(expression)


def test_the_names_read_as_written_and_flipflop_asks_for_more_accuracy():
    assert parse_expression("recall()").name == "recall(pairs=4)"
    assert parse_expression("selective_copy(3)").name == "selective_copy(3)"
    assert parse_expression("flipflop()").min_accuracy == 0.99
    assert parse_expression("flipflop(min_accuracy=0.9)").name == "flipflop(min_accuracy=0.9)"
    assert parse_expression("lag(2)").min_accuracy == 0.9


def test_a_new_kind_is_one_entry_of_the_table(monkeypatch):
    """Parser, decorators, their help and the probe data all read the table: one entry adds a kind."""
    import dataclasses

    from pytest_rnncheck import kinds, markers

    def countdown(rng, vocab, count, timesteps, n):  # target: how many steps are left, mod vocab
        symbols = rng.integers(0, vocab, size=(count, timesteps))
        targets = np.tile((np.arange(timesteps)[::-1] % vocab), (count, 1))
        return symbols, targets, np.ones((count, timesteps), dtype=bool)

    toy = dataclasses.replace(KINDS["flipflop"], name="countdown", signature="countdown()", summary="steps left",
                              episode=countdown, fixed_vocab=None, min_vocab=lambda n: 2, min_accuracy=0.9,
                              final_sequences=None)
    monkeypatch.setitem(kinds.KINDS, "countdown", toy)
    spec = parse_expression("countdown(vocab=3)")
    assert spec.name == "countdown(vocab=3)"
    mark = markers.ProbeMarkers().countdown(vocab=3).mark
    assert markers.spec_from_marker(mark) == spec
    assert (
        "countdown()" in kinds.signatures()
        and markers.ProbeMarkers().countdown.__doc__ == "countdown(): steps left."
    )
    data = draw(spec, np.random.default_rng(0), 3, 2, 5)
    assert data.targets[0].tolist() == [[1, 0, 2, 1, 0]] * 2
    assert plan_probe(spec, geometry(width=3)).timesteps == 32  # the entry's own window
