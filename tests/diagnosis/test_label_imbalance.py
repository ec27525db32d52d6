"""Tests of diagnosis/label_imbalance.py. ``label-imbalance``: the most common label's share of the user's y (data)."""

import numpy as np
from rule_helpers import RNG, data_findings, data_geometry

from pytest_rnncheck.user_data import describe_as_plan, summarize


def test_a_majority_label_makes_accuracy_say_little():
    y = np.r_[np.zeros(90, int), np.ones(10, int)]
    s = summarize(RNG.normal(size=(100, 4, 2)), y)
    g = data_geometry(
        timesteps=4, features=2, output_width=2, output_activation="softmax", loss="sparse_categorical_crossentropy"
    )
    [found] = data_findings(s, g, describe_as_plan(s, g))
    assert found.code == "label-imbalance" and "90% of y" in found.message and "0.90 accuracy" in found.message
    balanced = summarize(RNG.normal(size=(100, 4, 2)), np.arange(100) % 2)
    assert data_findings(balanced, g, describe_as_plan(balanced, g)) == []
    two_to_one = summarize(RNG.normal(size=(99, 4, 2)), np.arange(99) % 3 == 0)  # 67% of 2 labels: under 0.75
    assert data_findings(two_to_one, g, describe_as_plan(two_to_one, g)) == []
    three = summarize(RNG.normal(size=(100, 4, 2)), np.r_[np.zeros(50, int), np.arange(50) % 2 + 1])
    g3 = data_geometry(
        timesteps=4, features=2, output_width=3, output_activation="softmax", loss="sparse_categorical_crossentropy"
    )
    assert [p.code for p in data_findings(three, g3, describe_as_plan(three, g3))] == ["label-imbalance"]


def test_the_message_of_the_imbalance_rule_reads_in_full():
    """Split off the data rules' full-message test (the raw-integer half is in test_raw_integer.py)."""
    y = np.r_[np.zeros(80, int), np.arange(20) % 3 + 1]
    im = summarize(RNG.normal(size=(100, 4, 2)), y)
    g4 = data_geometry(
        timesteps=4, features=2, output_width=4, output_activation="softmax", loss="sparse_categorical_crossentropy"
    )
    [imbalance] = data_findings(im, g4, describe_as_plan(im, g4))
    assert imbalance.severity == "warning" and imbalance.message == (
        "the most common label is 80% of y (4 labels): always predicting it scores 0.80 accuracy, so an accuracy "
        "near 0.80 shows nothing learned"
    )
    assert imbalance.fix == (
        "judge the model against that baseline (or by balanced accuracy / per-class recall), and consider "
        "class_weight= in fit or resampling"
    )
