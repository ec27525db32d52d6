"""Train a fresh model on a probe within a budget and judge it on held-out data.

Fresh probe data every round (nothing is memorised), a monitoring set to decide
when to stop, and a separate final set, never trained on or used for stopping,
for the verdict. A final set is drawn (afresh each time) when the monitor's accuracy would
pass on a set of its size, each such look spending half of what is left of the attempt's
error budget (verdict.look_z). Training stops as soon as a final set shows a pass, when the
learning curve has flattened for longer than healthy models of the lag need
(``plateau``, see stopping.py), when the loss stops being finite, or at the
budget.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

import numpy as np

from . import encoding as enc
from .encoding import Form
from . import length, run_profiles
from .diagnosis.constant_output import Spread, measure_spread
from .errors import RnnCheckError
from .geometry import Geometry, all_sublayers, flat_layers, weight_count
from .keras_adapter import (
    DEFAULT_LEARNING_RATE,
    build_optimizer,
    compile_default,
    current_learning_rate,
    first_line,
    layer_weights,
    predict_batch,
    reset_states,
    set_learning_rate,
    train_batch,
    traced_twin,
)
from .length import position_buckets
from .plan import ProbePlan
from .recorder import FlightRecorder, LayerRecord
from .probes import ProbeData, draw, draw_values, last_step, last_steps
from .spec import ProbeSpec
from .stopping import StopPolicy, Stopped
from .verdict import ALPHA_FIRST, Verdict, judge, judge_values, look_z, would_pass

#: Windows per training batch when the model does not fix its batch size.
DEFAULT_BATCH = 128
#: Held-out sequences for the stopping decision and for the verdict.
MONITOR_SEQUENCES = 256
FINAL_SEQUENCES = 1024
#: ... for a model with a fixed batch, evaluated batch after batch (and chunk after chunk).
FIXED_BATCH_MONITOR = 64
FIXED_BATCH_FINAL = 256
#: Sequences between two looks at the monitoring set.
EVAL_EVERY = 2048
#: A stateful model sees each stream as this many steps at least, chunk after chunk.
STATEFUL_STEPS = 16

#: Called as training goes on: (sequences seen, last monitor accuracy or None).
Progress = Callable[[int, "float | None"], None]


@dataclasses.dataclass
class HeldOut:
    """Decoded held-out predictions, shaped (sequences, steps)."""

    predicted: np.ndarray
    targets: np.ndarray
    scored: np.ndarray
    values: np.ndarray | None = None  # raw scalar outputs, scalar form only
    target_values: np.ndarray | None = None


@dataclasses.dataclass
class Outcome:
    verdict: Verdict
    heldout: HeldOut
    sequences: int
    stopped: Stopped  # passed | plateau | budget | non-finite
    curve: list[tuple[int, float, float]]  # (sequences, monitor accuracy, mean loss)
    bad_loss: float | None = None
    record: FlightRecorder | None = None
    #: extrapolate=m: blocks by position, the accuracy at T, any error at m x T (ProbeTrainer.longer), else None.
    longer: dict[str, Any] | None = None

    def spread(self, form: Form | None) -> Spread | None:
        """How varied the held-out predictions were (for ``constant-output``); None for a regression."""
        if form == Form.VALUE:  # no symbols to count
            return None
        held = self.heldout
        return measure_spread(
            held.predicted, held.targets, held.scored, self.verdict.accuracy, self.verdict.chance, held.values,
            held.target_values,
        )


class ProbeTrainer:
    def __init__(
        self,
        model: Any,
        spec: ProbeSpec,
        plan: ProbePlan,
        rng: np.random.Generator,
        sparse: bool,
        alpha: float = ALPHA_FIRST,
        progress: Progress | None = None,
    ):
        self.model, self.spec, self.plan, self.rng, self.sparse, self.alpha = model, spec, plan, rng, sparse, alpha
        self.progress = progress or (lambda sequences, accuracy: None)
        self.batch = plan.batch_size or DEFAULT_BATCH
        self.weighted = [layer for layer in flat_layers(model) if getattr(layer, "weights", None)]
        self.stateful = plan.stateful and plan.batch_size is not None
        self.chunks = max(1, math.ceil(STATEFUL_STEPS / plan.timesteps)) if self.stateful else 1
        self.stateful_layers = [lay for lay in flat_layers(model) if getattr(lay, "stateful", False)]
        #: The window the looks and the final set are drawn at: m x T with extrapolate=m (length.py), else T.
        self.judge_steps = plan.timesteps * (spec.extrapolate or 1)
        self.long_error: str | None = None  # why the model could not be judged at m x T (then judged at T)

    @property
    def output_vocab(self) -> int:
        """Symbols the output ranges over: the model's own for classes, the probe's otherwise."""
        return self.plan.model_vocab if self.plan.form == Form.CLASSES else self.plan.vocab

    # -- data ---------------------------------------------------------------
    def draw(self, sequences: int, timesteps: int | None = None) -> ProbeData:
        """Fresh windows of the plan's length (or ``timesteps``, for extrapolate=)."""
        steps = timesteps or self.plan.timesteps
        if self.plan.batch_size:  # a fixed batch takes whole batches only
            sequences = self.batch * max(1, math.ceil(sequences / self.batch))
        if self.plan.encoding == "continuous":
            data = draw_values(self.spec, self.rng, self.plan.model_vocab, sequences, steps, self.chunks)
        else:
            data = draw(self.spec, self.rng, self.plan.vocab, sequences, steps, self.chunks)
        if not self.plan.many_to_many:
            return last_step(data)
        return last_steps(data, steps - self.plan.output_offset)

    def inputs(self, symbols: np.ndarray) -> np.ndarray:
        return enc.encode(self.plan.encoding, symbols, self.plan.model_vocab)

    def outputs_for(self, targets: np.ndarray) -> np.ndarray:
        y = enc.target_array(self.plan.form, targets, self.plan.encoding, self.output_vocab, self.sparse)
        return y if self.plan.many_to_many else y[:, 0]

    # -- model calls --------------------------------------------------------
    def reset(self) -> None:
        reset_states(self.stateful_layers)

    def train_round(self) -> tuple[float, int]:
        data = self.draw(self.batch)
        self.reset()
        losses = []
        for k in range(data.symbols.shape[0]):
            weights = data.scored[k].astype("float32")
            if not self.plan.many_to_many:
                weights = weights[:, 0]
            if not weights.any():
                continue
            loss = train_batch(self.model, self.inputs(data.symbols[k]), self.outputs_for(data.targets[k]), weights)
            losses.append(loss)
            if not math.isfinite(loss):
                break
        return (float(np.mean(losses)) if losses else 0.0), data.symbols.shape[0] * data.symbols.shape[1]

    def predict(self, data: ProbeData) -> np.ndarray:
        """Raw outputs shaped (chunks, streams, steps, width).

        Always in batches of the training batch size: one compiled predict
        function serves every evaluation (a new shape would retrace it).
        """
        chunks, streams = data.symbols.shape[:2]
        outs = []
        for start in range(0, streams, self.batch):
            stop = start + self.batch
            self.reset()
            row = []
            for k in range(chunks):
                x = self.inputs(data.symbols[k, start:stop])
                y = predict_batch(self.model, x)
                row.append(y if self.plan.many_to_many else y[:, None])
            outs.append(np.stack(row))
        return np.concatenate(outs, axis=1).astype("float64")

    def evaluate(self, data: ProbeData, z: float) -> tuple[Verdict, HeldOut]:
        raw = self.predict(data)

        def by_stream(a: np.ndarray) -> np.ndarray:  # (chunks, streams, steps) -> (streams, chunks*steps)
            return a.transpose(1, 0, 2).reshape(a.shape[1], -1)

        if self.plan.form == Form.VALUE:
            values, targets, scored = by_stream(raw[..., 0]), by_stream(data.targets), by_stream(data.scored)
            held = HeldOut(values, targets, scored, values, targets)
            verdict = judge_values(values, targets, scored, self.plan.tolerance, self.spec.min_accuracy, z)
            return verdict, held
        predicted = enc.decode(self.plan.form, raw, self.plan.encoding, self.output_vocab)

        held = HeldOut(by_stream(predicted), by_stream(data.targets), by_stream(data.scored))
        if self.plan.form == Form.SCALAR:
            held.values = by_stream(raw[..., 0])
            held.target_values = by_stream(enc.scalar_value(self.plan.encoding, data.targets, self.plan.vocab))
        verdict = judge(held.predicted, held.targets, held.scored, self.spec.min_accuracy, z)
        return verdict, held

    # -- the loop -----------------------------------------------------------
    def stop(self, reason: Stopped) -> None:
        """Called by an observer (or the loop) to end training, as Keras's ``model.stop_training``."""
        self.stop_training, self.stopped = True, reason

    def notify(self, hook: str, *args: Any) -> None:
        for observer in self.observers:
            getattr(observer, hook)(self, *args)

    def run(self, policy: StopPolicy) -> Outcome:
        """Rounds of fresh data, a look at the monitoring set every ``EVAL_EVERY`` sequences (and at
        the budget), a final set whenever a look would pass. The stop rule, the flight recorder and
        the progress line observe the loop (``on_round_end``, ``on_look``, ``on_step_end``)."""
        budget = policy.budget
        fixed = self.plan.batch_size is not None
        final_size = FIXED_BATCH_FINAL if fixed else (self.plan.final_sequences or FINAL_SEQUENCES)
        final_size *= run_profiles.active().final_scale
        # a kind judged on a larger final set gets a monitor in proportion, so it can show a pass
        monitor_size = FIXED_BATCH_MONITOR if fixed else MONITOR_SEQUENCES * (final_size // FINAL_SEQUENCES)
        monitor = self.draw(monitor_size, self.judge_steps)
        self.curve: list[tuple[int, float, float]] = []
        self.seen, self.stop_training, self.stopped, self.bad_loss = 0, False, Stopped.BUDGET, None
        record = FlightRecorder(
            [LayerRecord(lay.name, type(lay).__name__, bool(lay.trainable), weight_count(lay)) for lay in self.weighted]
        )
        self.observers = [ProgressLine(self.progress), Recording(record), StopRule(policy)]
        self.notify("on_train_begin")
        pending, since_look, final, looks = [], 0, None, 0
        while not self.stop_training:
            loss, count = self.train_round()
            self.seen += count
            since_look += count
            pending.append(loss)
            self.notify("on_round_end", loss)
            if self.stop_training:
                break
            crossed_budget = self.seen - count < budget <= self.seen
            if since_look >= EVAL_EVERY or crossed_budget or self.seen >= policy.most:
                watch, held, monitor = self.judge(monitor, monitor_size, look_z(self.alpha, looks + 1))
                self.curve.append((self.seen, watch.accuracy, float(np.mean(pending))))
                distinct = 0 if self.plan.form == Form.VALUE else int(np.unique(held.predicted[held.scored]).size)
                since_look, pending = 0, []
                if would_pass(watch.accuracy, final_size, watch.threshold, watch.z):
                    looks += 1
                    final = self.judge(self.draw(final_size, self.judge_steps), final_size, watch.z)[:2]
                    if final[0].passed:
                        self.stop(Stopped.PASSED)
                self.notify("on_look", distinct)
            if not self.stop_training:
                self.notify("on_step_end")
        if final is None or self.stopped != Stopped.PASSED:
            final = self.judge(self.draw(final_size, self.judge_steps), final_size, look_z(self.alpha, looks + 1))[:2]
        bad = self.bad_loss
        longer = self.longer(final, final_size) if self.spec.extrapolate and bad is None else None
        return Outcome(final[0], final[1], self.seen, self.stopped, self.curve, bad, record, longer)

    def judge(self, data: ProbeData, size: int, z: float) -> tuple[Verdict, HeldOut, ProbeData]:
        """Evaluate windows of ``judge_steps``; a model that cannot run at m x T (a position table
        too short, say) is judged at T from then on, and why is kept: a finding, not a crash."""
        try:
            return (*self.evaluate(data, z), data)
        except Exception as exc:
            if self.judge_steps == self.plan.timesteps:
                raise
            self.long_error = length.keras_error(exc)
            self.judge_steps = self.plan.timesteps
            data = self.draw(size)
            return (*self.evaluate(data, z), data)

    def longer(self, final: tuple[Verdict, HeldOut], size: int) -> dict[str, Any]:
        """extrapolate=m: what the judged final set showed by position, and a fresh final set at T
        (same z) for the accuracy at the window it trained on (length.py)."""
        steps = self.plan.timesteps * self.spec.extrapolate
        at_trained, _ = self.evaluate(self.draw(size), final[0].z)
        out: dict[str, Any] = {"timesteps": steps, "trained_timesteps": self.plan.timesteps, "error": self.long_error,
                               "at_trained": at_trained,
                               "tables": length.short_tables_of(all_sublayers(self.model), steps)}
        if self.long_error is None:
            out["buckets"] = position_buckets(
                final[1], self.plan.timesteps, self.plan.form, self.plan.tolerance, self.spec.min_accuracy, steps
            )
        else:
            out["buckets"] = []
        return out

    def weights(self) -> dict[str, np.ndarray]:
        return layer_weights(self.weighted)


class Observer:
    """What watches a ``ProbeTrainer`` (the shape of a Keras callback): each hook gets the trainer."""

    def on_train_begin(self, trainer: ProbeTrainer) -> None: ...

    def on_round_end(self, trainer: ProbeTrainer, loss: float) -> None: ...

    def on_look(self, trainer: ProbeTrainer, distinct: int) -> None: ...

    def on_step_end(self, trainer: ProbeTrainer) -> None: ...


class StopRule(Observer):
    """The stop policy (stopping.py) as an observer: the budget and its extension, a loss that stops
    being finite, a plateau. A final set that passes stops the loop itself."""

    def __init__(self, policy: StopPolicy):
        self.policy = policy

    def on_train_begin(self, trainer: ProbeTrainer) -> None:
        self.on_step_end(trainer)

    def on_round_end(self, trainer: ProbeTrainer, loss: float) -> None:
        if not math.isfinite(loss):
            trainer.bad_loss = loss
            trainer.stop(Stopped.NON_FINITE)

    def on_look(self, trainer: ProbeTrainer, distinct: int) -> None:
        if not trainer.stop_training and self.policy.plateaued(trainer.curve, trainer.seen):
            trainer.stop(Stopped.PLATEAU)

    def on_step_end(self, trainer: ProbeTrainer) -> None:
        if not self.policy.keep_going(trainer.curve, trainer.seen):
            trainer.stop_training = True  # the reason stays "budget"


class Recording(Observer):
    """The flight recorder (recorder.py) fed at each look: accuracy, loss, symbols predicted, weights."""

    def __init__(self, record: FlightRecorder):
        self.record = record

    def on_train_begin(self, trainer: ProbeTrainer) -> None:
        self.record.start(trainer.weights())

    def on_look(self, trainer: ProbeTrainer, distinct: int) -> None:
        seen, accuracy, loss = trainer.curve[-1]
        self.record.look(seen, accuracy, loss, distinct, trainer.weights())


class ProgressLine(Observer):
    """``progress(sequences, last monitor accuracy)`` after every round."""

    def __init__(self, progress: Progress):
        self.progress = progress

    def on_round_end(self, trainer: ProbeTrainer, loss: float) -> None:
        self.progress(trainer.seen, trainer.curve[-1][1] if trainer.curve else None)


def train(
    model: Any,
    geometry: Geometry,
    plan: ProbePlan,
    spec: ProbeSpec,
    seed: int,
    label: str,
    learning_rate: float | None = None,
    alpha: float = ALPHA_FIRST,
    progress: Progress | None = None,
) -> tuple[Outcome, float | None]:
    """Train and judge; return the outcome and the learning rate used (None if unknown)."""
    if geometry.compiled:
        sparse = geometry.sparse_targets
        if learning_rate is not None:
            set_learning_rate(model, learning_rate)
    else:
        sparse = compile_default(model, geometry, plan, learning_rate or DEFAULT_LEARNING_RATE)
    build_optimizer(model)
    rate = current_learning_rate(model)
    model = traced_twin(model, (plan.batch_size, plan.input_shape, plan.timesteps, spec.extrapolate))
    trainer = ProbeTrainer(model, spec, plan, np.random.default_rng(seed), sparse, alpha, progress)
    try:
        return trainer.run(StopPolicy.for_lag(plan.effort or spec.n, spec.budget)), rate
    except RnnCheckError:
        raise
    except Exception as exc:
        first = first_line(exc)
        raise RnnCheckError(
            f"Keras raised {type(exc).__name__} while training {label} on {spec.name}: {first}. "
            f"The probe fed inputs shaped (batch, {', '.join(map(str, plan.input_shape))}) "
            f"({plan.encoding}, vocab={plan.vocab}) and targets for a {plan.form} output"
            f"{' (loss ' + geometry.loss + ')' if geometry.loss else ''}; check that the model's loss "
            f"fits that output or set encoding=/vocab=/timesteps= on the probe"
        ) from None
