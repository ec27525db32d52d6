"""The training loop and its stop rules, in-process, on a scripted numpy model that
follows a learning curve we choose. Nothing is trained; each test takes milliseconds."""

import math

import numpy as np
import pytest

from pytest_rnncheck.plan import ProbePlan
from pytest_rnncheck.spec import make_spec
from pytest_rnncheck.stopping import StopPolicy
from pytest_rnncheck.training import EVAL_EVERY, FINAL_SEQUENCES, MONITOR_SEQUENCES, ProbeTrainer
from pytest_rnncheck.verdict import ALPHA_FIRST, look_z

VOCAB, STEPS = 10, 24


class ScriptedModel:
    """Answers a many-to-one lag(n) probe right with probability ``skill(sequences seen)``.

    It reads the right answer off its one-hot input, so its accuracy is exactly the curve.
    """

    layers: list = []

    def __init__(self, lag, skill, seed=0, loss=None):
        self.lag, self.skill, self.seen = lag, skill, 0
        self.rng = np.random.default_rng(seed)
        self.loss = loss or (lambda seen: math.log(VOCAB) * (1 - self.skill(seen)) + 0.01)
        self.predicted_rows = []

    def train_on_batch(self, x, y, sample_weight=None):
        self.seen += len(x)
        return self.loss(self.seen)

    def predict_on_batch(self, x):
        right = x[:, STEPS - 1 - self.lag].argmax(axis=-1)
        wrong = (right + self.rng.integers(1, VOCAB, size=len(x))) % VOCAB
        knows = self.rng.random(len(x)) < self.skill(self.seen)
        self.predicted_rows.append(x.copy())
        return np.eye(VOCAB)[np.where(knows, right, wrong)]


def run(lag, skill, budget=None, alpha=ALPHA_FIRST, **kwargs):
    spec = make_spec("lag", lag, budget=budget)
    plan = ProbePlan("onehot", VOCAB, STEPS, False, "classes", model_vocab=VOCAB)
    model = ScriptedModel(lag, skill, **kwargs)
    trainer = ProbeTrainer(model, spec, plan, np.random.default_rng(1), sparse=True, alpha=alpha)
    return trainer.run(StopPolicy.for_lag(lag, budget)), model


def step(at, low=0.1, high=1.0):
    return lambda seen: high if seen >= at else low


def test_a_model_that_learns_stops_as_passed_soon_after_with_a_verdict_on_fresh_data():
    outcome, model = run(2, step(10_000))
    assert outcome.stopped == "passed" and outcome.verdict.passed
    assert 10_000 <= outcome.sequences <= 10_000 + EVAL_EVERY
    assert outcome.verdict.sequences == FINAL_SEQUENCES
    assert [s for s, _, _ in outcome.curve] == list(range(EVAL_EVERY, outcome.sequences + 1, EVAL_EVERY))


def test_the_monitoring_set_never_serves_as_the_final_set():
    outcome, model = run(2, step(4_000))
    monitor = model.predicted_rows[0]  # the first look is at the monitoring set
    final_rows = np.concatenate(model.predicted_rows[-(FINAL_SEQUENCES // 128):])
    assert len(monitor) == 128 and len(final_rows) == FINAL_SEQUENCES
    assert not any((row == monitor[0]).all() for row in final_rows)
    assert sum(len(rows) for rows in model.predicted_rows[: MONITOR_SEQUENCES // 128]) == MONITOR_SEQUENCES


def test_a_model_at_chance_on_a_short_lag_stops_at_a_plateau_after_a_quarter_of_the_budget():
    outcome, _ = run(2, lambda seen: 0.1)
    assert outcome.stopped == "plateau" and not outcome.verdict.passed
    assert outcome.sequences == 16_384  # 8 looks, a quarter of the 64,000 budget


def test_a_long_lag_is_not_given_up_before_healthy_models_of_that_lag_learn():
    never, _ = run(16, lambda seen: 0.1)
    assert never.stopped == "plateau" and never.sequences >= 16 * 4_000
    slow, _ = run(16, step(50_000))  # a GRU(128) on lag(16) sits at chance until about 45-50k
    assert slow.stopped == "passed" and slow.verdict.passed


def test_a_budget_the_user_sets_is_a_hard_limit_and_ends_with_a_look():
    outcome, _ = run(2, lambda seen: min(0.1 + seen / 20_000, 1.0), budget=5_000)
    assert outcome.stopped == "budget" and outcome.sequences == 5_120
    assert outcome.curve[-1][0] == 5_120


def test_a_default_budget_extends_while_the_model_still_climbs():
    climbing = lambda seen: min(0.1 + seen / 90_000, 1.0)  # noqa: E731 - reaches 0.9+ near 75k
    outcome, _ = run(2, climbing)
    assert outcome.sequences > 64_000 and outcome.stopped == "passed"


def test_a_non_finite_loss_stops_at_once():
    outcome, _ = run(2, lambda seen: 0.1, loss=lambda seen: float("nan") if seen > 3_000 else 2.0)
    assert outcome.stopped == "non-finite" and math.isnan(outcome.bad_loss) and outcome.sequences <= 3_200


def test_each_attempt_of_the_remedies_is_recorded_with_its_rate_and_z(monkeypatch):
    trial_module = pytest.importorskip("pytest_rnncheck.trial")
    from pytest_rnncheck.verdict import ALPHA_REMEDY

    first, _ = run(2, lambda seen: 0.5, budget=8_192)
    rates = []

    def fake_train(model, geometry, plan, spec, seed, label, learning_rate=None, alpha=ALPHA_FIRST, progress=None):
        rates.append((learning_rate, seed, alpha))
        outcome, _ = run(2, step(2_000) if learning_rate > 0.02 else (lambda seen: 0.5), budget=8_192, alpha=alpha)
        return outcome, learning_rate

    monkeypatch.setattr(trial_module, "prepare", lambda *args, **kwargs: (None, None, None))
    monkeypatch.setattr(trial_module, "train", fake_train)
    trial = trial_module.Trial(None, make_spec("lag", 2), 0, "m")
    trial.runs.append((first, 0.01))
    best = trial.remedy(0.01, (0.3, 3.0))
    # each remedy a fresh copy at its own seed (the probe's + 1, + 2)
    assert rates == [(pytest.approx(0.003), 1, ALPHA_REMEDY), (pytest.approx(0.03), 2, ALPHA_REMEDY)]
    assert best.verdict.passed and [a.passed for a in trial.attempts] == [False, True]
    assert [a.learning_rate for a in trial.attempts] == [0.003, 0.03]
    # each rests on its first final look, which spends half of a remedy's quarter of the budget
    assert [a.z for a in trial.attempts] == [round(look_z(ALPHA_REMEDY, 1), 4)] * 2


def test_each_final_look_is_on_fresh_data_at_a_z_that_spends_half_of_what_is_left(monkeypatch):
    """A model just below the threshold whose every monitor look opens a final look: the
    looks' z grow as a / 2^k, so together they spend at most the attempt's budget, and it
    never passes."""
    import pytest_rnncheck.training as training

    monkeypatch.setattr(training, "would_pass", lambda *args: True)
    outcome, model = run(2, lambda seen: 0.85, budget=8_192)  # threshold 0.9
    assert outcome.stopped == "budget" and not outcome.verdict.passed
    looks = 8_192 // EVAL_EVERY  # one final look after each monitor look
    per_look = (MONITOR_SEQUENCES + FINAL_SEQUENCES) // 128
    assert len(model.predicted_rows) == looks * per_look + FINAL_SEQUENCES // 128  # and one at the end
    assert outcome.verdict.z == pytest.approx(look_z(ALPHA_FIRST, looks + 1))
    finals = [np.concatenate(model.predicted_rows[i * per_look + 2 : (i + 1) * per_look]) for i in range(looks)]
    assert all(not (a == b).all() for i, a in enumerate(finals) for b in finals[i + 1 :])  # a fresh set each look


def test_a_final_look_is_taken_only_when_the_monitor_would_pass_on_a_final_sized_set():
    outcome, model = run(2, lambda seen: 0.8, budget=8_192)  # the monitor never reads 0.93 on 256 at 0.8
    assert len(model.predicted_rows) == (8_192 // EVAL_EVERY) * (MONITOR_SEQUENCES // 128) + FINAL_SEQUENCES // 128
    assert outcome.verdict.z == pytest.approx(look_z(ALPHA_FIRST, 1))


class RunningMeanModel:
    """train_on_batch as Keras 3.7-3.13 has it: the loss's running mean since the last reset."""

    def __init__(self):
        self.total, self.count = 0.0, 0

    def reset_metrics(self):
        self.total, self.count = 0.0, 0

    def train_on_batch(self, x, y, sample_weight=None):
        self.total, self.count = self.total + float(x), self.count + 1
        return self.total / self.count


class ResettingModel(RunningMeanModel):
    """train_on_batch as Keras 3.14 on has it (keras-team/keras#22617): reset, then the step."""

    def train_on_batch(self, x, y, sample_weight=None):
        self.reset_metrics()
        return super().train_on_batch(x, y, sample_weight)

    def reset_metrics(self):
        self.resets = getattr(self, "resets", 0) + 1
        super().reset_metrics()


def test_the_loss_read_is_the_batchs_own_whichever_keras_reports_a_running_mean():
    from pytest_rnncheck.keras_adapter import train_batch

    for model in (RunningMeanModel(), ResettingModel()):
        assert [train_batch(model, x, None, None) for x in (4.0, 2.0, 0.0)] == [4.0, 2.0, 0.0]
    resetting = ResettingModel()
    train_batch(resetting, 1.0, None, None)
    assert resetting.resets == 1  # no second reset where Keras resets itself
