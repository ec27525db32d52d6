"""Tests of diagnosis/output_shape.py. ``output-shape``: the head's width or rank against the probe's
targets (static), and the user's targets per step against one output per sequence (data)."""

import numpy as np
import pytest
from geometries import GRU, LSTM, LayerInfo, dense, seq
from rule_helpers import RNG, SIMPLE_RNN2, data_findings, data_geometry, static

from pytest_rnncheck.diagnosis import (
    diagnose_static,
)
from pytest_rnncheck.spec import make_spec
from pytest_rnncheck.user_data import describe_as_plan, summarize


@pytest.mark.parametrize(
    "spec, geometry, words",
    [
        # seed 001: the GRU's 16-unit state is the output for one bit
        (make_spec("invert", 1), seq("gru_state", 1, 1, GRU, rank=3, batch=1), "width is 16"),
        # seed 000: SimpleRNN(2) for a scalar target
        (make_spec("lag", 2, vocab=100, encoding="raw"), seq("rnn2", 1, 1, SIMPLE_RNN2), "width is 2"),
        (
            make_spec("lag", 1),
            seq("conv_shrinks", 8, 100, LSTM, dense(100)).__class__(
                **{**seq("x", 8, 100, LSTM, dense(100), rank=3).__dict__, "output_timesteps": 10}
            ),
            "10 steps",
        ),
    ],
)
def test_output_shape_fires_and_says_what_width_was_expected(spec, geometry, words):
    found = [p for p in static(spec, geometry) if p.code == "output-shape"]
    assert found and found[0].certain and words in found[0].message
    if geometry.output_layer == "Dense":  # the head is there: fix its width, do not add another
        assert "give the last Dense a width" in found[0].fix and "read-out head" not in found[0].fix
    else:
        assert "read-out" in found[0].fix


def shape_finding(spec, geometry):
    (found,) = [p for p in static(spec, geometry) if p.code == "output-shape"]
    assert found.severity == "error" and found.certain
    return found


def test_an_output_of_the_wrong_rank_says_which_shapes_are_read():
    import dataclasses

    geometry = dataclasses.replace(seq("m", 8, 100, LSTM, dense(100)), output_rank=4)
    found = shape_finding(make_spec("lag", 1), geometry)
    assert found.message == (
        "output has rank 4 (width 100); lag(1) reads (batch, width) for one target per sample or "
        "(batch, timesteps, width) for a target per step"
    )


def test_more_output_steps_than_input_steps_cannot_be_scored():
    import dataclasses

    geometry = dataclasses.replace(seq("m", 8, 100, LSTM, dense(100), rank=3), output_timesteps=10)
    found = shape_finding(make_spec("lag", 1), geometry)
    assert found.message == (
        "output has 10 steps but the input has only 8; per-step targets need at most one output per input step "
        "(fewer are aligned to the end)"
    )
    assert found.fix == "give the last Dense a width W = 100 with softmax for classes, or W = 1 for a scalar"


def test_a_wrong_width_names_the_widths_that_would_fit_and_the_head_to_add():
    bits = seq("m", 8, 3, GRU, rank=3)  # binary inputs of 8 symbols; the GRU's 16-unit state is the output
    found = shape_finding(make_spec("lag", 1, vocab=8, encoding="binary"), bits)
    assert found.message == (
        "output width is 16 (GRU), but lag(1, vocab=8, encoding='binary') needs width 8 (one unit per symbol) or "
        "1 (a scalar) or 3 (one unit per bit); Keras would broadcast the target across the 16 units and train "
        "without complaint"
    )
    assert found.fix == (
        "end the model with a read-out head of width W = 8 with softmax for classes, or W = 1 for a scalar: "
        "Conv1D(W, 1) or TimeDistributed(Dense(W)); the recurrent state of GRU is memory, not a prediction"
    )
    nameless = seq("m", 8, 100, LayerInfo("MyHead", "tanh", None, units=7))
    found = shape_finding(make_spec("lag", 1), nameless)
    assert "output width is 7 (MyHead)" in found.message and found.fix.endswith("or W = 1 for a scalar: Dense(W)")
    import dataclasses

    unnamed = dataclasses.replace(nameless, output_layer=None)
    assert "output width is 7 (the last layer)" in shape_finding(make_spec("lag", 1), unnamed).message


@pytest.mark.parametrize(
    "layer, rank, fix_end",
    [
        (
            LayerInfo("TimeDistributed(Dense)", "tanh", False, units=5),
            3,
            "give the last TimeDistributed(Dense) a width W = 100 with softmax for classes, or W = 1 for a scalar",
        ),
        (
            LayerInfo("EinsumDense", "tanh", False, units=5),
            2,
            "give the last EinsumDense a width W = 100 with softmax for classes, or W = 1 for a scalar",
        ),
        (
            LayerInfo("Conv1D", "tanh", False, units=5),
            3,
            "give the last Conv1D a width W = 100 with softmax for classes, or W = 1 for a scalar",
        ),
        (
            LayerInfo("LSTM", "tanh", True, units=5),
            2,
            "Dense(W); the recurrent state of LSTM is memory, not a prediction",
        ),
        (
            LayerInfo("SimpleRNN", "tanh", True, units=5),
            3,
            "TimeDistributed(Dense(W)); the recurrent state of SimpleRNN is memory, not a prediction",
        ),
        (
            LayerInfo("RNN(GRUCell)", "tanh", True, units=5),
            2,
            "Dense(W); the recurrent state of RNN(GRUCell) is memory, not a prediction",
        ),
    ],
)
def test_the_output_shape_fix_fits_the_last_layer(layer, rank, fix_end):
    geometry = seq("m", 8, 100, LSTM, layer, rank=rank)
    found = shape_finding(make_spec("lag", 1), geometry)
    assert found.fix.endswith(fix_end)
    assert found.message == (
        f"output width is 5 ({layer.kind}), but lag(1) needs width 100 (one unit per symbol) or 1 (a scalar); "
        "Keras would broadcast the target across the 5 units and train without complaint"
    )
    assert [p.code for p in static(make_spec("lag", 1), geometry)] == ["output-shape"]  # no range check on classes


def test_bits_are_a_width_only_for_binary_inputs_of_more_than_two_symbols():
    state = seq("m", 8, 1, GRU, rank=3)
    assert (
        "needs width 2 (one unit per symbol) or 1 (a scalar);" in shape_finding(make_spec("invert", 1), state).message
    )
    three = seq("m", 8, 2, GRU, rank=3)
    assert (
        "needs width 3 (one unit per symbol) or 1 (a scalar) or 2 (one unit per bit);"
        in shape_finding(make_spec("lag", 1, vocab=3, encoding="binary"), three).message
    )


def test_real_valued_targets_against_a_wide_head_ask_for_one_value_not_symbols():
    from pytest_rnncheck.data_diagnosis import DataSpec

    s = summarize(RNG.normal(size=(40, 16, 1)), np.linspace(-27, 27, 40))
    g = data_geometry(timesteps=16, output_width=2, output_activation="softmax", output_layer="Dense")
    plan = describe_as_plan(s, g)
    (shape,) = [p for p in diagnose_static(DataSpec(kind="echo", n=0), plan, g) if p.code == "output-shape"]
    assert "needs width 1 (one value per target);" in shape.message and "symbol" not in shape.message
    assert shape.fix == "end the model with one linear unit for the value: Dense(1) with no activation"


def test_targets_per_step_against_one_output_per_sequence_and_back_are_output_shape_errors():
    per_step = summarize(RNG.normal(size=(40, 5, 2)), RNG.normal(size=(40, 5, 1)))
    one_out = data_geometry(timesteps=5, features=2, output_width=1, output_activation="linear", loss="mse")
    [found] = data_findings(per_step, one_out, describe_as_plan(per_step, one_out))
    assert (found.code, found.severity, found.certain) == ("output-shape", "error", True)
    assert found.message == (
        "y has a target for each of the 5 steps but the model gives one output per sequence: Keras broadcasts that "
        "one output against every step's target and trains without complaint"
    )
    assert found.fix == (
        "return_sequences=True on the last recurrent layer and a per-step head, or keep one target per sequence "
        "(y[:, -1])"
    )
    per_sample = summarize(RNG.normal(size=(40, 5, 2)), RNG.normal(size=40))
    seq_out = data_geometry(
        timesteps=5,
        features=2,
        output_rank=3,
        output_timesteps=5,
        output_width=1,
        output_activation="linear",
        loss="mse",
    )
    [back] = data_findings(per_sample, seq_out, describe_as_plan(per_sample, seq_out))
    assert (back.code, back.severity) == ("output-shape", "error") and back.message == (
        "the model gives an output at each of its steps but y has one target per sequence: Keras broadcasts the "
        "target across the steps, so every step is trained to predict what only the last one can know"
    )
    assert (
        back.fix
        == "return_sequences=False on the last recurrent layer (one output per sequence), or give y a target per step"
    )
    two_steps = summarize(RNG.normal(size=(40, 2, 2)), RNG.normal(size=40))  # two steps: still a broadcast
    two_out = data_geometry(
        timesteps=2,
        features=2,
        output_rank=3,
        output_timesteps=2,
        output_width=1,
        output_activation="linear",
        loss="mse",
    )
    assert [p.code for p in data_findings(two_steps, two_out, describe_as_plan(two_steps, two_out))] == ["output-shape"]
    one_step = summarize(RNG.normal(size=(40, 1, 2)), RNG.normal(size=40))  # one step: per step is per sequence
    one_out_seq = data_geometry(
        timesteps=1,
        features=2,
        output_rank=3,
        output_timesteps=1,
        output_width=1,
        output_activation="linear",
        loss="mse",
    )
    assert data_findings(one_step, one_out_seq, describe_as_plan(one_step, one_out_seq)) == []
    assert data_findings(per_step, seq_out, describe_as_plan(per_step, seq_out)) == []
