"""Tests of diagnosis/future_leak.py. ``future-leak``: outputs that move when a later input changes
(measured), a warning unless the probe is causal."""

import pytest
from geometries import LSTM, LayerInfo, dense, seq
from rule_helpers import PER_STEP, banded

from pytest_rnncheck.diagnosis import (
    diagnose_static,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec


@pytest.mark.parametrize(
    "layer, named",
    [
        (LayerInfo("Bidirectional(LSTM)", "tanh", True, units=8), "Bidirectional(LSTM)"),
        (LayerInfo("Conv1D", "linear", True, units=8, padding="same"), "Conv1D(padding='same')"),
        (LayerInfo("MultiHeadAttention", None, True), "MultiHeadAttention"),
        (LayerInfo("MyLayer", None, None), "a custom layer"),
    ],
)
def test_future_leak_warns_names_the_layer_and_is_an_error_for_causal_probes(layer, named):
    geometry = seq("m", 12, 10, layer, dense(10), rank=3)
    lenient, causal = make_spec("lag", 1), make_spec("lag", 1, causal=True)
    found = diagnose_static(lenient, plan_probe(lenient, geometry), geometry, banded(12, 3, ahead=2))
    assert [(p.code, p.severity, p.certain) for p in found] == [("future-leak", "warning", False)]
    assert named in found[0].message and "up to 2 steps ahead" in found[0].message
    strict = diagnose_static(causal, plan_probe(causal, geometry), geometry, banded(12, 3, ahead=2))
    assert [(p.code, p.severity, p.certain) for p in strict] == [("future-leak", "error", True)]


def test_no_future_leak_for_a_causal_reach_or_a_many_to_one_output():
    spec = make_spec("lag", 1)
    assert diagnose_static(spec, plan_probe(spec, PER_STEP), PER_STEP, banded(12, 3)) == []
    many_to_one = seq("m", 12, 10, LSTM, dense(10))
    assert diagnose_static(spec, plan_probe(spec, many_to_one), many_to_one, banded(12, 3, ahead=1)) == []


def leak(spec, geometry, reach):
    (found,) = diagnose_static(spec, plan_probe(spec, geometry), geometry, reach)
    assert found.code == "future-leak"
    return found


def test_future_leak_message_and_fix_for_named_layers():
    geometry = seq(
        "m",
        12,
        10,
        LayerInfo("Bidirectional(LSTM)", "tanh", True, units=8),
        LayerInfo("Conv1D", "linear", True, units=8, padding="same"),
        dense(10),
        rank=3,
    )
    found = leak(make_spec("lag", 1), geometry, banded(12, 3, ahead=2))
    assert found.message == (
        "the output at step t depends on inputs after t: 11 of 12 output steps move when a later input changes (the "
        "output at 0 moves when x[1] changes; up to 2 steps ahead), measured by changing one input step at a time on 2 "
        "fresh initialisation(s); the configuration points at Bidirectional(LSTM), Conv1D(padding='same'). "
        "A forecaster or streaming model will not have those inputs at inference time"
    )
    assert found.fix == (
        "drop the backward half: use the LSTM alone; use Conv1D(..., padding='causal') (or, if looking ahead is "
        "intended, ignore this warning; causal=True on the probe makes it an error)"
    )
    strict = leak(make_spec("lag", 1, causal=True), geometry, banded(12, 3, ahead=2))
    assert strict.fix == "drop the backward half: use the LSTM alone; use Conv1D(..., padding='causal')"


def test_future_leak_from_no_named_layer_one_step_ahead():
    geometry = seq(
        "m",
        12,
        10,
        LayerInfo("Conv1D", "linear", True, units=8, padding="causal"),
        LayerInfo("MaxPooling1D", None, True, padding="same"),
        dense(10),
        rank=3,
    )
    found = leak(make_spec("lag", 1, causal=True), geometry, banded(12, 3, ahead=1))
    assert "(the output at 0 moves when x[1] changes; up to 1 step ahead)" in found.message
    assert "; no layer's configuration shows which (a custom layer or a Lambda?). A forecaster" in found.message
    assert found.fix == "make every layer causal: each output step may read only steps up to its own"
