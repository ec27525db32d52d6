"""extrapolate=m (issue #26): who can be judged at m·T, accuracy by position, when a failure
is the length's, and the finding. Pure: no training."""

import types

import numpy as np
import pytest

from pytest_rnncheck import report
from pytest_rnncheck.diagnosis.length_generalization import length_finding
from pytest_rnncheck.length import (
    breaks_at,
    extrapolation_error,
    failed_by_length,
    keras_error,
    position_buckets,
    short_tables_of,
)
from pytest_rnncheck.result import ProbeResult
from pytest_rnncheck.spec import make_spec
from pytest_rnncheck.training import HeldOut

SPEC = make_spec("lag", 2, extrapolate=4)


def verdict(passed, accuracy=0.95, lower=0.93):
    return types.SimpleNamespace(passed=passed, accuracy=accuracy, lower=lower)


def geometry(timesteps=None):
    return types.SimpleNamespace(timesteps=timesteps, name="m")


def plan(stateful=False, offset=0):
    return types.SimpleNamespace(timesteps=8, stateful=stateful, output_offset=offset)


def test_a_model_of_fixed_length_or_state_cannot_be_judged_longer_and_says_what_to_change():
    assert extrapolation_error(make_spec("lag", 2), geometry(8), plan()) is None  # no extrapolate: nothing to check
    fixed = extrapolation_error(SPEC, geometry(8), plan())
    assert "judges the model at 32 steps, but m takes exactly 8" in fixed and "keras.Input((None, features))" in fixed
    assert "stateless" in extrapolation_error(SPEC, geometry(), plan(stateful=True))
    assert extrapolation_error(SPEC, geometry(), plan(offset=2)) is not None
    assert extrapolation_error(SPEC, geometry(), plan()) is None


def held(correct_by_step, streams=50):
    """A held-out set whose step j is right with probability correct_by_step[j]."""
    rng = np.random.default_rng(0)
    steps = len(correct_by_step)
    targets = rng.integers(0, 10, (streams, steps))
    right = rng.random((streams, steps)) < np.array(correct_by_step)
    predicted = np.where(right, targets, (targets + 1) % 10)
    scored = np.ones((streams, steps), bool)
    scored[:, :2] = False
    return HeldOut(predicted, targets, scored)


def test_accuracy_by_block_of_the_trained_window_and_where_it_breaks():
    h = held([1.0] * 8 + [0.3] * 24)
    buckets = position_buckets(h, 8, "classes", 0.25, 0.9, 32)
    assert [b["steps"] for b in buckets] == [[1, 8], [9, 16], [17, 24], [25, 32]]
    assert buckets[0]["accuracy"] == 1.0 and all(b["accuracy"] < 0.5 for b in buckets[1:])
    assert breaks_at(buckets, 0.9) == [9, 16] and breaks_at(buckets[:1], 0.9) is None
    last_only = HeldOut(h.predicted[:, -1:], h.targets[:, -1:], h.scored[:, -1:])
    assert [b["steps"] for b in position_buckets(last_only, 8, "classes", 0.25, 0.9, 32)] == [[32, 32]]


def longer(buckets=(), error=None, at_trained=True):
    return {"timesteps": 32, "trained_timesteps": 8, "error": error, "at_trained": verdict(at_trained, 0.99),
            "buckets": list(buckets), "tables": []}


def test_a_failure_is_the_lengths_only_when_it_passed_at_t_and_a_later_block_falls():
    falls = [{"steps": [1, 8], "accuracy": 0.99}, {"steps": [9, 16], "accuracy": 0.3}]
    flat = [{"steps": [1, 8], "accuracy": 0.93}, {"steps": [9, 16], "accuracy": 0.92}]  # just short everywhere
    assert failed_by_length(longer(falls), verdict(False), 0.9)
    assert not failed_by_length(longer(flat), verdict(False, 0.92, 0.89), 0.9)  # not a length problem
    assert not failed_by_length(longer(falls, at_trained=False), verdict(False), 0.9)  # failed at T too
    assert not failed_by_length(longer(falls), verdict(True), 0.9)
    assert failed_by_length(longer([{"steps": [32, 32], "accuracy": 0.2}]), verdict(False), 0.9)  # many-to-one
    # could not run at 32: judged at 8
    assert failed_by_length(longer(error="InvalidArgumentError: x"), verdict(True), 0.9)


def test_the_finding_gives_both_windows_the_blocks_and_a_table_too_short():
    falls = [{"steps": [1, 8], "accuracy": 0.99}, {"steps": [9, 16], "accuracy": 0.3}]
    found = length_finding(SPEC, longer(falls), verdict(False, 0.64, 0.6))
    assert found.code == "length-generalization" and found.severity == "error"
    assert found.message.startswith(
        "lag(2) passes at the 8 steps it trained on (accuracy 0.990) but not at 32: accuracy 0.640"
    )
    assert "by position: steps 1-8 0.990, steps 9-16 0.300: it breaks at steps 9-16" in found.message
    assert "timesteps=32" in found.fix
    table = dict(longer(error="InvalidArgumentError: indices[8] = 8 is not in [0, 8)"), tables=[("pos", 8)])
    short = length_finding(SPEC, table, verdict(True))
    assert (
        "running it at 32 steps failed inside Keras (InvalidArgumentError: indices[8] = 8 is not in [0, 8))"
        in short.message
    )
    assert "Embedding 'pos' has 8 rows, fewer than the 32 steps judged" in short.message and "32 rows" in short.fix


def test_keras_errors_are_cut_to_their_telling_line_and_short_tables_are_found():
    exc = RuntimeError("Graph execution error:\n\nDetected at node x\nindices[8] = 8 is not in [0, 8)\n\t [[{{node}}]]")
    assert keras_error(exc) == "RuntimeError: indices[8] = 8 is not in [0, 8)"
    assert keras_error(ValueError("plain")) == "ValueError: plain"
    class Embedding:
        def __init__(self, name, input_dim):
            self.name, self.input_dim = name, input_dim

    layers = [Embedding("tokens", 100), Embedding("pos", 8), types.SimpleNamespace(name="dense", input_dim=4)]
    assert short_tables_of(layers, 32) == [("pos", 8)]


def test_the_explanation_and_junit_show_both_windows():
    r = {"nodeid": "t", "model": "m", "probe": "lag(2, extrapolate=4)", "passed": True, "verdict": "pass",
         "accuracy": 0.99, "lower_bound": 0.98, "threshold": 0.9, "chance": 0.1, "sequences": 4096,
         "total_sequences": 4096, "attempts": [],
         "seconds": 1.0, "stopped": "passed", "seed": 1, "pathologies": [], "notes": [], "error": None, "reproduce": "",
         "extrapolation": {"trained_timesteps": 8, "judged_timesteps": 32, "accuracy_at_trained": 1.0,
                           "buckets": [{"steps": [1, 8], "accuracy": 1.0}, {"steps": [9, 16], "accuracy": 0.98}]}}
    r = ProbeResult.from_dict(r)  # a document's result, read at the edge
    text = "\n".join(report.explain(r))
    assert ("extrapolate: trained on 8 steps (accuracy there 1.000), judged on 32; by position: steps 1-8 1.000, "
            "steps 9-16 0.980") in text
    assert ("rnncheck.lag(2, extrapolate=4).accuracy_at_trained", "1.0000") in report.junit_properties(r)


def test_extrapolate_is_refused_where_a_longer_window_is_another_task():
    from pytest_rnncheck.spec import ProbeSpecError

    with pytest.raises(ProbeSpecError, match="not recall"):
        make_spec("recall", pairs=2, extrapolate=2)
    assert make_spec("xor", 2, extrapolate=4).name == "xor(2, extrapolate=4)"
