"""Tests of diagnosis/undertrained.py. ``undertrained``: training ended and no cause was shown; what
was measured, tried, and what would settle it."""

from geometries import HEALTHY

from pytest_rnncheck.diagnosis import (
    diagnose_undertrained,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec


def test_undertrained_says_what_was_measured_tried_and_what_would_settle_it():
    lag = make_spec("lag", 16)
    plan = plan_probe(lag, HEALTHY["lstm_onehot"])
    found = diagnose_undertrained(lag, plan, 0.011, 0.01, 64_000, "budget", False, 1, True, (0.99, True))
    assert [p.code for p in found] == ["undertrained"]
    text = found[0].message
    assert "after 64,000 sequences" in text and "the budget ran out" in text
    assert "x[t-16] reaches the output" in text and "echo() passes" in text and "no cause was shown" in text
    assert "budget=128000" in found[0].fix and "more units" in found[0].fix
    climbing = diagnose_undertrained(lag, plan, 0.41, 0.01, 128_000, "budget", True, 1, True)
    assert "it was still learning when the budget ran out" in climbing[0].message
    assert "budget=256000" in climbing[0].fix and "units" not in climbing[0].fix
    # the echo control failing too points away from memory, at learning itself
    cannot_map = diagnose_undertrained(lag, plan, 0.011, 0.01, 192_000, "plateau", False, 3, True, (0.02, False))
    assert "echo() fails too" in cannot_map[0].message and "cannot learn even to echo" in cannot_map[0].fix
    assert "3 attempts at different learning rates" in cannot_map[0].message
    # a reach measured to be too short is the cause itself: never undertrained then
    assert diagnose_undertrained(lag, plan, 0.011, 0.01, 64_000, "budget", False, 1, False) == []
    # stalled at every rate tried: more of the same is not the advice
    stalled = diagnose_undertrained(lag, plan, 0.46, 0.1, 430_080, "plateau", False, 3, True, (0.97, True))
    assert "stalled at every learning rate tried" in stalled[0].fix and "budget=286720" in stalled[0].fix
    assert "healthy models of this lag need" in stalled[0].message


def test_undertrained_that_stalled_at_every_rate_reads_its_fix_in_full():
    lag = make_spec("lag", 16)
    plan = plan_probe(lag, HEALTHY["lstm_onehot"])
    [stalled] = diagnose_undertrained(lag, plan, 0.46, 0.1, 430_080, "plateau", False, 3, True, (0.97, True))
    assert stalled.fix == (
        "it stalled at every learning rate tried, so more of the same is unlikely to help: give it more capacity or a "
        "mechanism the probe needs (docs/probes.md says what each probe asks of a model); budget=286720 would settle "
        "whether it is only slow"
    )


def test_undertrained_on_a_structured_probe_claims_no_lag():
    import dataclasses

    copy = make_spec("selective_copy", 3)
    plan = plan_probe(copy, dataclasses.replace(HEALTHY["lstm_onehot"], output_rank=3, output_timesteps=8))
    found = diagnose_undertrained(copy, plan, 0.46, 0.1, 430_080, "plateau", False, 3, True, (0.97, True))
    assert "x[t-" not in found[0].message and "healthy models of this probe need" in found[0].message


def undertrained(spec, *args, **kwargs):
    return diagnose_undertrained(spec, plan_probe(spec, HEALTHY["lstm_onehot"]), *args, **kwargs)


def test_undertrained_reads_in_full_with_one_attempt_and_nothing_measured():
    echo = make_spec("echo")
    (found,) = undertrained(echo, 0.05, 0.01, 100_000, "plateau", False, 1, False)  # echo needs no past
    assert (found.code, found.severity) == ("undertrained", "error")
    assert found.message == (
        "echo() reached 0.050 (chance 0.010) after 100,000 sequences (1 attempt), and learning had stalled, for "
        "longer than healthy models of this lag need; no cause was shown"
    )
    assert found.fix == "give it more training to settle it: budget=200000; or more units, or another learning rate"


def test_undertrained_names_an_unmeasured_reach_the_echo_control_and_the_attempts():
    lag = make_spec("lag", 1)
    assert undertrained(lag, 0.05, 0.01, 64_000, "budget", False, 1, False) == []  # lag(1): the reach rule's case
    (found,) = undertrained(lag, 0.05, 0.01, 100_000, "budget", False, 3, None, (0.02, False))
    assert found.message == (
        "lag(1) reached 0.050 (chance 0.010) after 100,000 sequences (3 attempts at different learning rates), and the "
        "budget ran out; whether x[t-n] reaches the output could not be measured (a stateful model); the control "
        "echo() fails too (0.020); no cause was shown"
    )
    assert found.fix == (
        "the model cannot learn even to echo the current input: check what stands between input and output (frozen "
        "layers, heavy Dropout, the loss and the output activation, the learning rate)"
    )
    (two,) = undertrained(lag, 0.05, 0.01, 100_000, "budget", True, 2, True)
    assert "(2 attempts at different learning rates), and it was still learning when the budget ran out;" in two.message
    assert two.fix == "give it more training to settle it: budget=100000"
    (three,) = undertrained(lag, 0.05, 0.01, 100_000, "budget", True, 3, True)
    assert three.fix == "give it more training to settle it: budget=66666"
