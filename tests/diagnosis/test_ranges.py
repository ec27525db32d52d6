"""Tests of diagnosis/ranges.py. The activation functions' output ranges the ``activation-range`` rules read."""


def test_activation_ranges_are_described_with_their_infinite_ends():
    from pytest_rnncheck.diagnosis.ranges import activation_range, describe

    assert describe(activation_range("ReLU")) == "(0, inf)"
    assert describe(activation_range("log_softmax")) == "(-inf, 0)"
    assert describe(activation_range("selu")) == "(-1.7581, inf)"
    assert activation_range(None) is None and activation_range("my_act") is None
