"""Tests of diagnosis/missing_context.py. ``missing-context``: a window shorter than the lag, no layer
that mixes time, a measured reach too short; a stateful model fed short windows is a suspect."""

import numpy as np
from geometries import LSTM, STATEFUL_LSTM, LayerInfo, dense, seq
from rule_helpers import PER_STEP, banded, static

from pytest_rnncheck.diagnosis import (
    diagnose_static,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec


def test_missing_context_window_shorter_than_the_lag():
    for geometry, spec in [
        (seq("one_step", 1, 100, LSTM, dense(100)), make_spec("lag", 1)),
        (seq("three_steps", 3, 100, LSTM, dense(100), rank=3), make_spec("lag", 3)),
    ]:
        found = [p for p in static(spec, geometry) if p.code == "missing-context"]
        assert found and found[0].certain and "sliding_window_view" in found[0].fix


def test_a_stateful_one_step_model_is_no_static_finding_but_a_suspect_with_a_control_run():
    """The state does carry the past, and some such models learn the lag (a plain train_on_batch loop
    takes a stateful GRU(32) fed one step per batch to 1.000 on lag(1)): only a control shows the cause."""
    from pytest_rnncheck.diagnosis import suspects
    from pytest_rnncheck.diagnosis.missing_context import stateful_suspect

    geometry = seq("stateful", 1, 100, STATEFUL_LSTM, dense(100), batch=5)
    spec = make_spec("lag", 1)
    assert static(spec, geometry) == []  # nothing blocks the learning-rate remedies or the controls
    (suspect,) = suspects(spec, geometry, None, 0.01, plan_probe(spec, geometry))
    assert (suspect.code, suspect.control, suspect.window) == ("missing-context", "stateless-window", 2)
    assert suspect.evidence == (
        "a stateful model trained 1 timestep per batch: Keras carries the state to the next batch but never "
        "back-propagates into it"
    )
    (warning,) = stateful_suspect(spec, plan_probe(spec, geometry))  # diagnose() has no control: a suspect
    assert warning.severity == "warning" and not warning.certain and " may not " in warning.message
    assert suspects(make_spec("echo"), geometry, None, 0.01, plan_probe(make_spec("echo"), geometry)) == []
    long = seq("stateful", 4, 100, STATEFUL_LSTM, dense(100), batch=5)  # the window holds the lag
    assert (
        suspects(spec, long, None, 0.01, plan_probe(spec, long)) == [] == stateful_suspect(spec, plan_probe(spec, long))
    )


def test_missing_context_when_no_layer_mixes_time():
    for layers in [(dense(32, "relu"), dense(100)), (LayerInfo("Conv1D", "relu", False, units=8), dense(100))]:
        geometry = seq("local", 8, 100, *layers, rank=3)
        found = [p for p in static(make_spec("lag", 2), geometry) if p.code == "missing-context"]
        assert found and "no layer mixes information across time" in found[0].message
    # echo needs no past: no finding
    assert static(make_spec("echo"), seq("local", 8, 100, dense(100), rank=3)) == []


def test_reach_proves_missing_context_with_the_receptive_field_as_evidence():
    spec = make_spec("lag", 4)
    found = diagnose_static(spec, plan_probe(spec, PER_STEP), PER_STEP, banded(12, 2))
    assert [p.code for p in found] == ["missing-context"] and found[0].certain
    assert "depends on x[t-2..t] only" in found[0].message and "lag(4) needs x[t-4]" in found[0].message
    assert "0 of 8 scored outputs" in found[0].message and "at least 5 steps (it sees 3)" in found[0].fix


def test_reach_never_claims_missing_context_when_the_past_reaches_the_output():
    for lag in (1, 2):
        spec = make_spec("lag", lag)
        assert diagnose_static(spec, plan_probe(spec, PER_STEP), PER_STEP, banded(12, 2)) == []


def test_a_partial_reach_fails_only_when_the_ceiling_is_below_the_threshold():
    from pytest_rnncheck.reach import ReachMap

    t = np.arange(12)
    depends = (t[None, :] <= t[:, None]) & (t[None, :] >= t[:, None] - 4)
    depends[11, 7] = False  # one scored output of eight cannot see x[t-4]
    reach = ReachMap(depends, depends.astype(float), t, 2)
    loose, strict = make_spec("lag", 4, min_accuracy=0.85), make_spec("lag", 4, min_accuracy=0.95)
    assert diagnose_static(loose, plan_probe(loose, PER_STEP), PER_STEP, reach) == []
    assert [p.code for p in diagnose_static(strict, plan_probe(strict, PER_STEP), PER_STEP, reach)] == [
        "missing-context"
    ]


def test_a_measured_reach_replaces_the_layer_name_rule():
    custom = seq("custom", 12, 10, LayerInfo("Dense", "linear", False, units=8), dense(10), rank=3)
    spec = make_spec("lag", 2)
    # the names say nothing mixes time, but the measurement shows the past reaches the output
    assert diagnose_static(spec, plan_probe(spec, custom), custom, banded(12, 3)) == []
    assert [p.code for p in diagnose_static(spec, plan_probe(spec, custom), custom)] == ["missing-context"]


def context_finding(spec, geometry, reach=None):
    found = [
        p for p in diagnose_static(spec, plan_probe(spec, geometry), geometry, reach) if p.code == "missing-context"
    ]
    assert all(p.severity == "error" for p in found)
    return found


def test_no_time_mixing_layer_names_the_layers_and_what_would_carry_the_past():
    geometry = seq("local", 8, 100, LayerInfo("Conv1D", "relu", False, units=8), dense(32, "relu"), dense(100), rank=3)
    (found,) = context_finding(make_spec("lag", 2), geometry)
    assert found.certain
    assert found.message == (
        "no layer mixes information across time (Conv1D, Dense each act on one step alone), so the output at step t "
        "sees only x[t]; lag(2) needs x[t-2]"
    )
    assert found.fix == (
        "put a layer that carries the past before the read-out: LSTM/GRU/SimpleRNN, Conv1D(kernel_size >= 3, "
        "padding='causal'), or attention"
    )


def test_a_window_shorter_than_the_lag_says_how_many_steps_to_feed():
    (found,) = context_finding(make_spec("lag", 3), seq("three", 3, 100, LSTM, dense(100), rank=3))
    assert found.certain
    assert found.message == (
        "each sample holds 3 timesteps, but lag(3) needs x[t-3]: 4 steps in one sample; the target is never "
        "inside the window"
    )
    assert found.fix == (
        "feed at least 4 timesteps per sample so x[t-3] is inside the window the gradient flows through, "
        "e.g. windows = "
        "numpy.lib.stride_tricks.sliding_window_view(series, 4, axis=0) with keras.Input((4, features)) or "
        "keras.Input((None, features))"
    )
    (one,) = context_finding(make_spec("lag", 1), seq("one", 1, 100, LSTM, dense(100)))
    assert one.message.startswith("each sample holds 1 timestep, but lag(1) needs x[t-1]: 2 steps in one sample")
    (two,) = context_finding(make_spec("lag", 2), seq("two", 2, 100, LSTM, dense(100)))
    assert two.message.startswith("each sample holds 2 timesteps, but")


def test_a_measured_reach_that_is_too_short_proves_the_probe_impossible():
    spec = make_spec("lag", 4)
    (found,) = context_finding(spec, PER_STEP, banded(12, 2))
    assert found.message == (
        "the output at t depends on x[t-2..t] only (measured by changing one input step at a time on 2 fresh "
        "initialisation(s)); lag(4) needs x[t-4]: 0 of 8 scored outputs can see it, so accuracy can be at most 0.10"
    )
    assert found.fix == (
        "let the output see at least 5 steps (it sees 3): stack or dilate the Conv1D layers (padding='causal') until "
        "kernel sizes x dilations cover 5 steps; or add a recurrent layer (LSTM, GRU) or attention over the window "
        "before the read-out"
    )
    assert context_finding(make_spec("lag", 1), PER_STEP, banded(12, 0))  # lag(1) too
    from pytest_rnncheck.reach import ReachMap

    last_only = ReachMap(np.eye(8, dtype=bool)[-1:], np.eye(8)[-1:], np.array([7]), 2)
    many_to_one = seq("m", 8, 10, LSTM, dense(10))
    (one,) = context_finding(make_spec("lag", 2), many_to_one, last_only)
    assert "0 of 1 scored outputs can see it" in one.message


def test_a_ceiling_exactly_at_the_threshold_is_not_a_proof():
    from pytest_rnncheck.reach import ReachMap

    t = np.arange(12)
    depends = (t[None, :] <= t[:, None]) & (t[None, :] >= t[:, None] - 4)
    depends[11, 7] = False  # 7 of 8 scored outputs see x[t-4]
    reach = ReachMap(depends, depends.astype(float), t, 2)
    exact = make_spec("lag", 4, min_accuracy=(7 + 0.1) / 8)
    assert context_finding(exact, PER_STEP, reach) == []
