"""Healthy models: these pass under ``pytest --rnncheck``."""

from models import embedding_gru, lstm_classifier

from pytest_rnncheck import rnncheck


@rnncheck.lag(2)
def test_lstm_remembers_two_steps_back(rnncheck):
    rnncheck(lstm_classifier)


@rnncheck.echo()
@rnncheck.lag(1)
def test_lstm_echo_and_lag(rnncheck):
    rnncheck(lstm_classifier)


@rnncheck.lag(3)
def test_embedding_gru_per_step(rnncheck):
    rnncheck(embedding_gru)


@rnncheck.memory(max_lag=6, min_horizon=4)
def test_embedding_gru_remembers_at_least_four_steps(rnncheck):
    rnncheck(embedding_gru)
