"""The three questions pytest-rnncheck grew out of: each broken model fails with
its diagnosis (marked xfail(strict=True), so the demo exits 0 while the summary
table still shows why), beside its fix, which passes."""

import pytest
from models import (
    five_step_lstm,
    one_step_lstm,
    raw_integer_rnn,
    stateful_bit_gru,
    stateful_one_step_lstm,
    windowed_bit_gru,
    windowed_integer_lstm,
)

from pytest_rnncheck import rnncheck

broken = pytest.mark.xfail(strict=True, reason="a broken model from the seed questions: see the rnncheck table")


# seed 000: "predicts a constant (~50)" -- y[t] = x[t-2] over integers 0..99
@broken
@rnncheck.lag(2, vocab=100, encoding="raw")
def test_seed000_raw_integers_broken(rnncheck):
    rnncheck(raw_integer_rnn)


@rnncheck.lag(2)
def test_seed000_fixed(rnncheck):
    rnncheck(windowed_integer_lstm)


# seed 001: a stateful GRU asked to invert the previous bit, one bit per batch
@broken
@rnncheck.invert(1)
def test_seed001_stateful_gru_broken(rnncheck):
    rnncheck(stateful_bit_gru)


@rnncheck.invert(1)
def test_seed001_fixed(rnncheck):
    rnncheck(windowed_bit_gru)


# seed 002: echo works with one timestep; the lag needs context
@rnncheck.echo()
def test_seed002_echo_current(rnncheck):
    rnncheck(one_step_lstm)


@broken
@rnncheck.lag(1)
def test_seed002_lag_without_context_broken(rnncheck):
    rnncheck(stateful_one_step_lstm)


@rnncheck.lag(1)
def test_seed002_fixed(rnncheck):
    rnncheck(five_step_lstm)
