"""Tests of diagnosis/loss_fit.py. ``loss-mismatch``: the compiled loss against the output (static) and
against the user's y (data)."""

import numpy as np
import pytest
from geometries import LSTM, dense, seq
from rule_helpers import RNG, compiled, data_findings, data_geometry, static

from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec
from pytest_rnncheck.user_data import describe_as_plan, summarize


@pytest.mark.parametrize(
    "head, loss, logits, words",
    [
        (
            dense(100, "linear"),
            "CategoricalCrossentropy",
            False,
            "expects probabilities, but the output activation is linear",
        ),
        (dense(100, "linear"), "sparse_categorical_crossentropy", False, "from_logits=True"),
        (dense(100), "SparseCategoricalCrossentropy", True, "applies it a second time"),
        (dense(100), "binary_crossentropy", False, "one class out of 100"),
    ],
)
def test_a_loss_that_does_not_fit_the_output_is_named(head, loss, logits, words):
    geometry = compiled(seq("m", 8, 100, LSTM, head), loss, logits)
    spec = make_spec("lag", 2)
    found = [p for p in static(spec, geometry) if p.code == "loss-mismatch"]
    assert found and not found[0].certain
    assert words in found[0].message + found[0].fix


def test_ratio_losses_on_targets_that_include_zero():
    spec = make_spec("lag", 1)
    geometry = compiled(seq("m", 8, 1, LSTM, dense(1, "linear")), "mape")
    (found,) = [p for p in static(spec, geometry) if p.code == "loss-mismatch"]
    assert "divides by the target" in found.message and "zero" in found.message and "mse" in found.fix
    assert [p.code for p in static(spec, compiled(seq("m", 8, 1, LSTM, dense(1, "linear")), "mse"))] == []


def test_a_fitting_loss_is_not_blamed():
    for loss, logits, head in (
        ("sparse_categorical_crossentropy", False, dense(100)),
        ("SparseCategoricalCrossentropy", True, dense(100, "linear")),
        ("mse", False, dense(100, "linear")),
    ):
        assert static(make_spec("lag", 2), compiled(seq("m", 8, 100, LSTM, head), loss, logits)) == []


@pytest.mark.parametrize(
    "head, loss, words",
    [
        (dense(100, "linear"), "kl_divergence", "takes the log of the prediction"),
        (dense(1, "linear"), "poisson", "takes the log of the prediction"),
        (dense(100, "sigmoid"), "categorical_crossentropy", "independent sigmoid"),
    ],
)
def test_losses_that_need_positive_or_normalised_outputs(head, loss, words):
    geometry = compiled(seq("m", 8, 100, LSTM, head), loss)
    found = [p for p in static(make_spec("lag", 2), geometry) if p.code == "loss-mismatch"]
    assert found and words in found[0].message


def test_a_categorical_loss_on_a_single_unit_has_nothing_to_learn():
    geometry = compiled(seq("m", 8, 1, LSTM, dense(1, "sigmoid")), "categorical_crossentropy")
    found = [p for p in static(make_spec("invert", 1), geometry) if p.code == "loss-mismatch"]
    assert found and "single output unit" in found[0].message


def loss_findings(spec, geometry, loss, logits=None):
    found = [p for p in static(spec, compiled(geometry, loss, logits)) if p.code == "loss-mismatch"]
    # a cause, not a proof: training still runs; except one unit under a categorical loss, whose loss is 0
    # whatever the prediction (Keras normalises one unit to 1)
    assert all(p.severity == "error" and p.certain == ("single output unit" in p.message) for p in found)
    return found


def test_a_probability_loss_on_an_unbounded_output_says_keras_clips_and_how_to_fix_it():
    (found,) = loss_findings(
        make_spec("lag", 2), seq("m", 8, 100, LSTM, dense(100, None)), "categorical_crossentropy", False
    )
    assert found.severity == "error" and not found.certain
    assert found.message == (
        "the loss is categorical_crossentropy with from_logits=False, which expects probabilities, but the output "
        "activation is none (unbounded values): Keras clips them into (0, 1) and the gradient through the clipped "
        "values is zero or meaningless"
    )
    assert found.fix == (
        "either end with activation='softmax' ('sigmoid' for one unit), or keep the linear output and compile with "
        "from_logits=True, e.g. keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
    )
    # from_logits not known (a custom loss object): nothing is claimed
    assert (
        loss_findings(make_spec("lag", 2), seq("m", 8, 100, LSTM, dense(100, "linear")), "categorical_crossentropy")
        == []
    )


def test_logits_into_a_sigmoid_are_squashed_twice():
    (found,) = loss_findings(
        make_spec("invert", 1), seq("m", 8, 1, LSTM, dense(1, "sigmoid")), "BinaryCrossentropy", True
    )
    assert "with from_logits=True, but the output already applies sigmoid" in found.message
    assert "squeezes the outputs and flattens the gradient" in found.message
    assert found.fix == "drop from_logits=True (or drop the output activation)"


@pytest.mark.parametrize(
    "loss", ["kld", "KLDivergence", "kullback_leibler_divergence", "KullbackLeiblerDivergence", "poisson"]
)
def test_a_log_loss_needs_a_positive_output(loss):
    spec = make_spec("lag", 2)
    (found,) = loss_findings(spec, seq("m", 8, 100, LSTM, dense(100, "linear")), loss)
    assert found.message.startswith(
        f"the loss is {loss}, which takes the log of the prediction, but the output activation is linear"
    )
    assert "predictions can be zero or negative, where the loss is undefined or clipped" in found.message
    assert found.fix == (
        "end with activation='softmax' for classes (or 'softplus'/'exponential' for counts), or use "
        "sparse_categorical_crossentropy(from_logits=True) on the linear output"
    )
    for positive in ("softmax", "softplus", "exponential", "relu"):
        assert loss_findings(spec, seq("m", 8, 100, LSTM, dense(100, positive)), loss) == []


@pytest.mark.parametrize("loss", ["categorical_crossentropy", "SparseCategoricalCrossentropy"])
def test_a_distribution_over_one_unit_has_nothing_to_learn(loss):
    (found,) = loss_findings(make_spec("invert", 1), seq("m", 8, 1, LSTM, dense(1, "sigmoid")), loss)
    assert found.message == (
        f"{loss} on a single output unit: a distribution over one class is always 1, so the loss does not depend "
        "on the prediction and there is nothing to learn"
    )
    assert found.fix == (
        "for two classes use one sigmoid unit with binary_crossentropy, or Dense(2, activation='softmax') with "
        "sparse_categorical_crossentropy"
    )
    assert found.certain  # proven by the loss's arithmetic: the probe fails without training


def test_categorical_crossentropy_over_independent_sigmoids_is_named():
    (found,) = loss_findings(
        make_spec("lag", 2, vocab=10), seq("m", 8, 10, LSTM, dense(10, "sigmoid")), "categorical_crossentropy"
    )
    assert (
        "one distribution over the 10 outputs, but each is an independent sigmoid: they do not sum to 1"
        in found.message
    )
    assert found.fix == (
        "use activation='softmax' with categorical_crossentropy (or binary_crossentropy for independent yes/no outputs)"
    )
    (two,) = loss_findings(
        make_spec("invert", 1), seq("m", 8, 2, LSTM, dense(2, "sigmoid")), "categorical_crossentropy"
    )
    assert "over the 2 outputs" in two.message
    assert (
        loss_findings(make_spec("lag", 2, vocab=10), seq("m", 8, 10, LSTM, dense(10)), "categorical_crossentropy") == []
    )
    # sparse targets on sigmoids are a different mistake, left to the other rules
    assert (
        loss_findings(
            make_spec("lag", 2, vocab=10),
            seq("m", 8, 10, LSTM, dense(10, "sigmoid")),
            "sparse_categorical_crossentropy",
        )
        == []
    )


def test_binary_crossentropy_fits_two_classes_but_not_more():
    two = seq("m", 8, 2, LSTM, dense(2))
    assert loss_findings(make_spec("lag", 2), two, "binary_crossentropy") == []
    (found,) = loss_findings(make_spec("lag", 2, vocab=3), seq("m", 8, 3, LSTM, dense(3)), "binary_crossentropy")
    assert found.message == (
        "binary_crossentropy treats each of the 3 output units as an independent yes/no, but the output is one "
        "class out of 3"
    )
    assert found.fix == (
        "compile with loss='sparse_categorical_crossentropy' (integer targets) or 'categorical_crossentropy' "
        "(one-hot targets)"
    )


@pytest.mark.parametrize("loss", ["mape", "MeanSquaredLogarithmicError", "MeanAbsolutePercentageError"])
def test_a_ratio_loss_on_centred_regression_targets_is_named(loss):
    regressor = seq("r", 8, 4, LSTM, dense(1, "linear"))
    spec = make_spec("lag", 1)
    assert plan_probe(spec, regressor).form == "value"
    (found,) = loss_findings(spec, regressor, loss)
    assert found.message == (
        f"the loss {loss} divides by (or takes the log of) the target, but regression targets here are centred on 0 "
        "and half of them are negative"
    )
    assert found.fix == "use loss='mse' or 'mae' (or huber) for targets that can be 0 or negative"


def test_a_ratio_loss_counts_the_scalar_targets_at_zero():
    raw = seq("m", 8, 1, LSTM, dense(1, "linear"))
    (found,) = loss_findings(make_spec("lag", 1, vocab=5, encoding="raw"), raw, "msle")
    assert found.message == (
        "the loss msle takes the log of the target + 1, but 1 of 5 target values are zero (the raw encoding of "
        "symbol 0): those steps dominate the loss or give it no gradient"
    )
    assert found.fix == "use loss='mse' or 'mae' for targets that can be 0, or shift the targets away from 0"
    (bits,) = loss_findings(make_spec("invert", 1), raw, "mean_absolute_percentage_error")
    assert "divides by the target, but 1 of 2 target values are zero (the binary encoding of symbol 0)" in bits.message
    # an uncompiled model, or one without a loss, is not judged
    assert [p for p in static(make_spec("lag", 1, vocab=5, encoding="raw"), raw) if p.code == "loss-mismatch"] == []


def test_no_loss_is_judged_on_an_uncompiled_model_or_an_output_that_cannot_be_read():
    import dataclasses

    raw = seq("m", 8, 1, LSTM, dense(1, "linear"))
    uncompiled = dataclasses.replace(raw, loss="msle")
    assert [
        p for p in static(make_spec("lag", 1, vocab=5, encoding="raw"), uncompiled) if p.code == "loss-mismatch"
    ] == []
    unreadable = compiled(seq("m", 8, 100, LSTM, dense(7, "tanh")), "categorical_crossentropy", False)
    assert [p.code for p in static(make_spec("lag", 1), unreadable)] == ["output-shape"]
    huber = compiled(seq("m", 8, 100, LSTM, dense(100, "linear")), "huber")  # a loss no rule knows
    assert static(make_spec("lag", 1), huber) == []


def test_a_log_loss_on_an_output_without_activation_and_a_ratio_loss_on_scaled_targets():
    (log,) = loss_findings(make_spec("lag", 2), seq("m", 8, 100, LSTM, dense(100, None)), "poisson")
    assert "but the output activation is none: predictions can be zero or negative" in log.message
    scaled = make_spec("lag", 1, vocab=10, encoding="scaled")
    (ratio,) = loss_findings(scaled, seq("m", 8, 1, LSTM, dense(1, "linear")), "mape")
    assert (
        "divides by the target, but 1 of 10 target values are zero (the scaled encoding of symbol 0)" in ratio.message
    )


def test_one_unit_under_a_categorical_loss_is_the_only_loss_finding_whatever_its_activation():
    for act, logits in ((None, False), ("linear", None), ("sigmoid", True)):
        found = loss_findings(
            make_spec("invert", 1), seq("m", 8, 1, LSTM, dense(1, act)), "categorical_crossentropy", logits
        )
        assert [p.message.split(":")[0] for p in found] == ["categorical_crossentropy on a single output unit"]


@pytest.mark.parametrize(
    "loss, y, width, message",
    [
        ("sparse_categorical_crossentropy", np.eye(3)[np.arange(30) % 3], 3, "y is one-hot"),
        ("sparse_categorical_crossentropy", np.arange(30) % 5, 3, "class ids up to 4 but the output has 3 units"),
        ("sparse_categorical_crossentropy", np.linspace(0, 1, 30), 3, "non-integer values"),
        (
            "categorical_crossentropy",
            np.arange(30) % 3,
            3,
            "categorical_crossentropy, which reads one-hot targets, but y holds class ids",
        ),
        ("binary_crossentropy", np.arange(30) % 3, 1, "binary_crossentropy reads targets in 0..1, but y spans 0..2"),
    ],
)
def test_a_loss_that_cannot_read_the_targets_is_a_loss_mismatch(loss, y, width, message):
    s = summarize(RNG.normal(size=(30, 4, 2)), y)
    g = data_geometry(timesteps=4, features=2, output_width=width, output_activation="softmax", loss=loss)
    found = [p for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"]
    assert len(found) == 1 and message in found[0].message and found[0].certain


@pytest.mark.parametrize(
    "loss, y, width, message, fix",
    [
        (
            "SparseCategoricalCrossentropy",
            np.eye(3)[np.arange(30) % 3],
            3,
            "y is one-hot (3 columns) but the loss is sparse_categorical_crossentropy, which reads class ids",
            "use categorical_crossentropy, or pass y.argmax(-1)",
        ),
        (
            "sparse_categorical_crossentropy",
            np.arange(30) % 5,
            3,
            "y holds class ids up to 4 but the output has 3 units (ids 0..2)",
            "give the last layer 5 units",
        ),
        ("sparse_categorical_crossentropy", np.arange(30) % 3, 3, None, None),  # ids 0..2 on 3 units: fine
        (
            "sparse_categorical_crossentropy",
            np.arange(30) % 5 - 1,
            3,
            "y holds negative values (-1..3) but sparse_categorical_crossentropy reads class ids 0..2",
            "map the targets to class ids 0..K-1, or use a regression loss for values",
        ),
        (
            "sparse_categorical_crossentropy",
            np.linspace(0, 1, 30),
            3,
            "y holds non-integer values (0..1) but sparse_categorical_crossentropy reads class ids 0..2",
            "map the targets to class ids 0..K-1, or use a regression loss for values",
        ),
        (
            "CategoricalCrossentropy",
            np.linspace(0, 1, 30),
            3,
            "the loss is categorical_crossentropy, which reads one-hot targets, but y holds values 0..1",
            "use sparse_categorical_crossentropy for class ids, or one-hot y with keras.utils.to_categorical",
        ),
        (
            "BinaryCrossentropy",
            np.arange(30) % 3 - 1,
            1,
            "binary_crossentropy reads targets in 0..1, but y spans -1..1",
            "scale the targets into 0..1, or use a loss that fits them",
        ),
        ("binary_crossentropy", np.arange(30) % 2, 1, None, None),  # 0 and 1: fine
        ("binary_crossentropy", np.linspace(0, 1, 30), 1, None, None),
    ],
)
def test_each_loss_that_cannot_read_the_targets_says_what_and_how_to_fix(loss, y, width, message, fix):
    s = summarize(RNG.normal(size=(30, 4, 2)), y)
    g = data_geometry(timesteps=4, features=2, output_width=width, output_activation="softmax", loss=loss)
    found = [p for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"]
    if message is None:
        assert found == []
    else:
        assert [(p.severity, p.message, p.fix, p.certain) for p in found] == [("error", message, fix, True)]


def test_a_one_unit_softmax_output_has_no_class_ids_to_check():
    s = summarize(RNG.normal(size=(30, 4, 2)), np.arange(30) % 3)
    g = data_geometry(
        timesteps=4, features=2, output_width=1, output_activation="softmax", loss="sparse_categorical_crossentropy"
    )
    assert [p.code for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"] == []


@pytest.mark.parametrize(
    "y, width, message",
    [
        (np.arange(30) % 3, 2, "y holds class ids up to 2 but the output has 2 units (ids 0..1)"),
        (np.arange(30) % 4, 3, "y holds class ids up to 3 but the output has 3 units (ids 0..2)"),
        (
            np.linspace(0, 1, 30),
            None,
            "y holds non-integer values (0..1) but sparse_categorical_crossentropy reads class ids",
        ),
    ],
)
def test_class_ids_one_past_the_output_units_are_a_loss_mismatch(y, width, message):
    s = summarize(RNG.normal(size=(30, 4, 2)), y)
    g = data_geometry(
        timesteps=4, features=2, output_width=width, output_activation="softmax", loss="sparse_categorical_crossentropy"
    )
    found = [p.message for p in data_findings(s, g, describe_as_plan(s, g)) if p.code == "loss-mismatch"]
    assert found == [message]
