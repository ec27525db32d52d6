"""What the training callback reads from each epoch (own_training.py) and how results render in a
notebook (notebook.py): pure, no Keras."""


import numpy as np
import pytest

from pytest_rnncheck.diagnosis.pathology import Pathology
from pytest_rnncheck.notebook import Findings, TrainingFindings, findings_title
from pytest_rnncheck.own_training import Epoch, Targets, look, range_evidence
from pytest_rnncheck.records import Attempt
from pytest_rnncheck.result import ProbeResult

RNG = np.random.default_rng(0)


def test_targets_read_one_hot_rows_and_labels_for_a_wide_head_as_classes_and_the_rest_as_values():
    onehot = np.eye(3)[[0, 1, 2, 1]]
    assert Targets.read(onehot, 3).labels.tolist() == [0, 1, 2, 1]
    assert Targets.read(np.array([0, 2, 1]), 3).classes
    assert not Targets.read(np.array([0, 2, 1]), 1).classes  # one unit: a value to regress
    assert not Targets.read(np.array([0.5, 1.5]), 3).classes
    assert not Targets.read(np.array([0, 7]), 3).classes  # ids past the head's width are no class ids
    assert Targets.read(np.array([1, 1, 1, 0]), 2).majority == 0.75


def test_a_look_measures_accuracy_and_classes_predicted_or_the_spread_of_values():
    targets = Targets.read(np.array([0, 1, 2, 1]), 3)
    raw = np.eye(3)[[0, 1, 1, 1]]
    seen = look(2, 0.5, raw, targets)
    assert (seen.epoch, seen.accuracy, seen.distinct) == (2, 0.75, 2) and not seen.constant
    values = Targets.read(np.array([0.0, 10.0, 20.0, 30.0]), 1)
    flat = look(1, 1.0, np.full((4, 1), 15.0), values)
    assert flat.spread == 0 and flat.error == pytest.approx(flat.mean_error) and flat.constant
    good = look(1, 1.0, np.array([[1.0], [9.0], [21.0], [29.0]]), values)
    assert not good.constant and good.error < good.mean_error and (good.low, good.high) == (1.0, 29.0)
    assert look(1, None, None, None) == Epoch(1, None)


def test_a_narrow_output_that_follows_the_targets_is_not_constant():
    t = np.array([0.0, 10.0, 20.0, 30.0])
    values = Targets.read(t, 1)
    narrow = look(1, 1.0, (15 + 0.09 * (t - 15))[:, None], values)  # under a tenth of the spread, in order
    assert narrow.spread < 0.1 * narrow.target_spread and narrow.error < 0.9 * narrow.mean_error and not narrow.constant
    flat = look(1, 1.0, (15 + 0.02 * (t - 15))[:, None], values)
    assert flat.constant


def test_an_activation_range_finding_gains_what_the_outputs_did():
    finding = Pathology(
        "activation-range", "error", "the tanh output spans (-1, 1), but y spans 0..200", "fix", certain=True
    )
    targets = Targets.read(np.linspace(0, 200, 50), 1)
    last = look(7, 1.0, np.full((50, 1), 0.99), targets)
    shown = range_evidence(finding, last, targets, "tanh")
    assert "measured at epoch 7: the outputs on the held-out slice span 0.99..0.99" in shown.message
    assert "98% of its targets lie beyond them" in shown.message and shown.certain
    other = Pathology("raw-integer", "error", "m", "f")
    assert range_evidence(other, last, targets, "tanh") is other
    assert range_evidence(finding, last, targets, "linear") is finding  # no bound to show


def test_findings_read_well_as_text_and_as_html():
    found = Findings([Pathology("constant-output", "error", "predicts <one> class", "fix it")], ["a note"])
    assert repr(found).startswith("<rnncheck findings: 1 error(s): constant-output>")
    page = found._repr_html_()
    assert "&lt;one&gt;" in page and "<strong>constant-output</strong>" in page and "a note" in page
    assert "no findings" in Findings([], [])._repr_html_() and findings_title([]) == "no findings"


def test_the_callbacks_report_shows_its_epochs_and_layers_and_long_runs_are_cut():
    targets = Targets.read(np.array([0, 1, 2, 1]), 3)
    epochs = [look(k, 1.0 / k, np.eye(3)[[0, 1, 2, 1]], targets) for k in range(1, 31)]
    record = {"layers": [{"name": "lstm", "kind": "LSTM", "trainable": True, "weights": 1234, "update_ratio": 0.01}]}
    page = TrainingFindings([], ["watched 30 epoch(s)"], epochs, record)._repr_html_()
    assert "watching model.fit: no findings" in page and "18 more" in page and "1,234" in page
    assert page.count("<tr>") == 1 + 13 + 1 + 1  # two headers, 12 epochs and the gap, one layer


def test_a_probe_result_has_a_one_line_repr_and_renders_its_section():
    r = ProbeResult(
        model="m", probe="lag(2)", seed=0, threshold=0.9, passed=False, accuracy=0.41, lower=0.38, chance=0.01
    )
    r.attempts.append(
        Attempt(learning_rate=0.02, sequences=4096, accuracy=0.41, lower_bound=0.38, passed=False, stopped="plateau")
    )
    r.pathologies.append(Pathology("undertrained", "error", "not learned", "train longer"))
    assert repr(r) == (
        "<rnncheck lag(2) on m: fail, accuracy 0.410 (threshold 0.9), 4,096 sequences, findings undertrained>"
    )
    page = r._repr_html_()
    assert "<strong>undertrained</strong>" in page and "lag(2)" in page and "FAIL" in page
    assert repr(ProbeResult(model="m", probe="echo()", seed=0, threshold=None, error="bad\nmore")) == (
        "<rnncheck echo() on m: error: bad>"
    )


def test_the_epochs_table_shows_only_the_columns_something_filled():
    from pytest_rnncheck.notebook import epochs_table

    values = Targets.read(np.linspace(0, 10, 8), 1)
    table = epochs_table([look(1, 2.0, np.linspace(0, 10, 8)[:, None], values)])
    assert "output spread" in table and "held-out accuracy" not in table and "classes predicted" not in table
    assert "held-out accuracy" in epochs_table([look(1, 2.0, np.eye(3)[[0, 1]], Targets.read(np.array([0, 1]), 3))])
