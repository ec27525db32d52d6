"""Probe data: targets are the input shifted by n, on exactly the scored steps."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from pytest_rnncheck.probes import draw, last_step, target_stream
from pytest_rnncheck.spec import make_spec


@given(st.integers(0, 6), st.integers(2, 50), st.integers(1, 12), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_lag_targets_are_the_input_n_steps_back(n, vocab, timesteps, chunks, seed):
    spec = make_spec("lag", n) if n else make_spec("echo")
    data = draw(spec, np.random.default_rng(seed), vocab, 7, timesteps, chunks)
    # rebuild each stream from its windows and check every scored step
    stream = data.symbols.transpose(1, 0, 2).reshape(7, -1)
    targets = data.targets.transpose(1, 0, 2).reshape(7, -1)
    scored = data.scored.transpose(1, 0, 2).reshape(7, -1)
    t = np.arange(stream.shape[1])
    assert (scored == (t >= n)[None, :]).all()
    rows, cols = np.nonzero(scored)
    assert (targets[rows, cols] == stream[rows, cols - n]).all()
    assert stream.min() >= 0 and stream.max() < vocab


@given(st.integers(0, 4), st.integers(0, 2**32 - 1))
def test_invert_targets_flip_the_bit_n_steps_back(n, seed):
    spec = make_spec("invert", n)
    stream = np.random.default_rng(seed).integers(0, 2, size=(3, 10))
    targets, defined = target_stream(spec, stream)
    assert (targets[:, n:] == 1 - stream[:, : 10 - n]).all()
    assert not defined[:, :n].any() and defined[:, n:].all()


def test_many_to_one_keeps_the_last_step_only():
    data = last_step(draw(make_spec("lag", 2), np.random.default_rng(0), 10, 5, 4))
    assert data.targets.shape == (1, 5, 1)
    assert (data.targets[0, :, 0] == data.symbols[0, :, 1]).all()


def test_same_seed_same_data_and_fresh_data_otherwise():
    spec = make_spec("lag", 1)
    a = draw(spec, np.random.default_rng(3), 10, 8, 5).symbols
    b = draw(spec, np.random.default_rng(3), 10, 8, 5).symbols
    rng = np.random.default_rng(3)
    first, second = draw(spec, rng, 10, 8, 5).symbols, draw(spec, rng, 10, 8, 5).symbols
    assert (a == b).all() and not (first == second).all()


def test_continuous_probe_data_reads_the_target_off_the_named_feature():
    import numpy as np

    from pytest_rnncheck.probes import draw_values
    from pytest_rnncheck.spec import make_spec

    data = draw_values(make_spec("lag", 2, feature=1), np.random.default_rng(0), 3, 5, 6)
    assert data.symbols.shape == (1, 5, 6, 3) and data.targets.shape == (1, 5, 6)
    np.testing.assert_array_equal(data.targets[0, :, 2:], data.symbols[0, :, :-2, 1])
    assert not data.scored[0, :, :2].any() and data.scored[0, :, 2:].all()


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.lists(st.integers(0, 1), min_size=2, max_size=40), st.integers(1, 5))
def test_xor_targets_are_the_bit_xor_with_n_steps_back(bits, n):
    import numpy as np

    from pytest_rnncheck.probes import target_stream
    from pytest_rnncheck.spec import make_spec

    stream = np.array(bits)
    targets, scored = target_stream(make_spec("xor", n), stream)
    for t in range(len(bits)):
        assert scored[t] == (t >= n)
        if t >= n:
            assert targets[t] == bits[t] ^ bits[t - n]


def test_xor_is_at_chance_for_a_memoryless_model():
    import numpy as np

    from pytest_rnncheck.probes import draw
    from pytest_rnncheck.spec import make_spec

    data = draw(make_spec("xor", 2), np.random.default_rng(0), 2, 20_000, 6)
    now, target = data.symbols[0][:, 2:].ravel(), data.targets[0][:, 2:].ravel()
    for bit in (0, 1):  # knowing x[t] alone tells nothing about the target
        assert abs(target[now == bit].mean() - 0.5) < 0.02


def test_every_kind_in_the_table_is_a_marker_and_a_probe_expression():
    from pytest_rnncheck import rnncheck
    from pytest_rnncheck.kinds import KINDS
    from pytest_rnncheck.markers import MARKER_HELP
    from pytest_rnncheck.spec import parse_expression

    for name, kind in KINDS.items():
        mark = getattr(rnncheck, name)(*(() if not kind.takes_lag else (2,)))
        assert mark.args[0] == name and kind.signature in MARKER_HELP
        assert parse_expression(f"{name}({'2' if kind.takes_lag else ''})").kind == name
    assert make_spec_error("xor") == "xor(n) needs n, the number of steps to look back, e.g. xor(2)"


def make_spec_error(kind):
    from pytest_rnncheck.spec import ProbeSpecError, make_spec

    try:
        make_spec(kind)
    except ProbeSpecError as exc:
        return str(exc)
    return None
