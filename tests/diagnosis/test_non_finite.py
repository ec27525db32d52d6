"""Tests of diagnosis/non_finite.py. ``non-finite-loss``: the loss became NaN or infinite."""

from geometries import LSTM, dense, seq

from pytest_rnncheck.diagnosis import (
    diagnose_non_finite,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec


def test_non_finite_loss_names_the_point_and_a_fix():
    plan = plan_probe(make_spec("lag", 1, vocab=100, encoding="raw"), seq("m", 4, 1, LSTM, dense(1, "linear")))
    found = diagnose_non_finite(plan, float("nan"), 4096)
    assert "nan after 4096" in found[0].message and "clipnorm" in found[0].fix and "scaled" in found[0].fix


def test_a_non_finite_loss_says_when_and_blames_raw_inputs_only_when_they_are_large():
    plan = lambda spec, geometry: plan_probe(spec, geometry)  # noqa: E731
    scalar = seq("m", 4, 1, LSTM, dense(1, "linear"))
    (found,) = diagnose_non_finite(plan(make_spec("lag", 1, vocab=10, encoding="raw"), scalar), float("inf"), 512)
    assert (found.code, found.severity) == ("non-finite-loss", "error")
    assert found.message == "the loss became inf after 512 training sequences; training stopped there"
    clip = "lower the learning rate or clip gradients (optimizer=keras.optimizers.Adam(1e-3, clipnorm=1.0))"
    assert found.fix == clip + "; raw inputs up to 9 make large activations: use encoding 'scaled' or one-hot"
    (three,) = diagnose_non_finite(plan(make_spec("lag", 1, vocab=3, encoding="raw"), scalar), float("nan"), 1)
    assert three.fix.endswith("; raw inputs up to 2 make large activations: use encoding 'scaled' or one-hot")
    for spec in (make_spec("lag", 1, vocab=2, encoding="raw"), make_spec("lag", 1, vocab=10, encoding="scaled")):
        assert diagnose_non_finite(plan(spec, scalar), float("nan"), 1)[0].fix == clip


def test_a_non_finite_epoch_loss_names_where_it_happened():
    import math

    from pytest_rnncheck.diagnosis import Evidence, run

    [found] = run("epochs", Evidence(bad_loss=math.nan, epoch=3))
    assert (
        found.code == "non-finite-loss"
        and "the loss became nan in epoch 3" in found.message
        and "clipnorm" in found.fix
    )
    assert run("epochs", Evidence(epoch=3)) == []  # a finite epoch: nothing
