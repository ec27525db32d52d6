"""``pytest_rnncheck.callback()``: a Keras callback that watches the user's own ``model.fit`` (this module: watch.py).

Keras glue only: what it measures is judged by the same rules as the probes and ``diagnose()``
(the configuration and the data: data_diagnosis.configuration_findings; what only training
shows: own_training.py; the suspects a probe would settle with a control run:
diagnosis.training_causes). Keras is imported when ``callback()`` is called, never at load.

It never changes the training unless asked: ``stop_on`` sets ``model.stop_training`` when a
collapse is certain. Predicting on the held-out slice would move a stateful layer's state, so
the states are put back after each look.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

import numpy as np

from . import diagnosis
from .data_diagnosis import DataSpec, configuration_findings, the_model, user_geometry
from .diagnosis import Evidence
from .diagnosis.pathology import Pathology
from .errors import RnnCheckError
from .geometry import flat_layers, read_geometry, weight_count
from .keras_adapter import (
    callback_base,
    current_learning_rate,
    layer_weights,
    predict_batch,
    restore_states,
    saved_states,
)
from .notebook import TrainingFindings
from .own_training import Targets, look, range_evidence
from .recorder import FlightRecorder, LayerRecord
from .user_data import summarize

#: Held-out samples the callback predicts on per look, at most.
SAMPLES = 512
#: What ``stop_on`` may name besides finding codes.
STOP_WORDS = ("collapse", "error")
#: Measured collapses: training cannot recover from them without a change.
COLLAPSES = ("non-finite-loss", "constant-output")

_CLASS: Any = None


class CallbackError(RnnCheckError):
    """Options of ``callback()`` that cannot work; the message says what to give instead."""


def callback(
    data: tuple[Any, Any] | None = None,
    *,
    lag: int | None = None,
    stop_on: str | Iterable[str] | None = None,
    patience: int = 3,
    every: int = 1,
    samples: int = SAMPLES,
    verbose: bool = True,
    output: int | str | None = None,
) -> Any:
    """A ``keras.callbacks.Callback`` for ``model.fit(..., callbacks=[...])``.

    ``data=(x, y)``: a held-out slice of the user's data (the first ``samples`` are used), to
    check the configuration against it and to watch the outputs each epoch; without it only
    the loss and the weights are watched. ``lag``: the target at step t depends on the input
    ``lag`` steps back. ``stop_on``: ``"collapse"`` (a non-finite loss, or an output constant
    for ``patience`` epochs), ``"error"`` (also any error finding of the configuration, at the
    first batch), or finding codes; None (the default) never stops. ``every``: look at the
    outputs every this many epochs. ``output``: on a model with several outputs, the one y is
    for (index or name). The findings are on ``.findings`` and on ``model.history.rnncheck``, and
    printed once (``verbose``) when training ends. A subclassed model not built when training
    starts is read at the end of its first epoch.
    """
    global _CLASS
    if _CLASS is None:
        _CLASS = type("TrainingWatch", (_Watch, callback_base()), {"__module__": __name__})
    return _CLASS(
        data, lag=lag, stop_on=_stop_words(stop_on), patience=patience, every=every, samples=samples, verbose=verbose,
        output=output,
    )


def _stop_words(stop_on: str | Iterable[str] | None) -> frozenset[str]:
    if stop_on is None:
        return frozenset()
    words = frozenset([stop_on] if isinstance(stop_on, str) else stop_on)
    unknown = sorted(words - set(STOP_WORDS) - set(diagnosis.CODES))
    if unknown:
        raise CallbackError(
            f"stop_on={stop_on!r}: {', '.join(map(repr, unknown))} is neither {' nor '.join(map(repr, STOP_WORDS))} "
            f"nor a finding code ({', '.join(diagnosis.CODES)}); stop_on=None never stops the training"
        )
    return words


class _Watch:
    """The callback's behaviour; ``callback()`` mixes it into keras.callbacks.Callback."""

    def __init__(self, data, *, lag, stop_on, patience, every, samples, verbose, output=None):
        super().__init__()
        if patience < 1 or every < 1 or samples < 1:
            raise CallbackError(f"patience={patience}, every={every}, samples={samples}: each must be 1 or more")
        self.data, self.lag, self.stop_on = data, lag, stop_on
        self.patience, self.every, self.samples, self.verbose = patience, every, samples, verbose
        self.output = output
        self._reader: Any = None  # the model, cut to the output y is for: what the looks predict with
        self.findings: Any = None
        self.epochs: list = []
        self.fits = 0
        self._configured = False
        self._static: list[Pathology] = []
        self._notes: list[str] = []
        self._measured: list[Pathology] = []
        self._printed: tuple = ()
        self._fault: str | None = None  # why the callback stopped watching (its own error)
        self._record: FlightRecorder | None = None
        self._geometry: Any = None
        self._held, self._targets, self._plan = None, None, None

    # -- Keras's hooks: a fault of the callback itself is a note, never an end to the user's fit --
    def on_train_begin(self, logs: dict | None = None) -> None:
        self.fits += 1
        if not getattr(self.model, "built", True):  # subclassed and not built yet: read it after an epoch
            return
        self._start()

    def _start(self) -> None:
        if self._configured or self._fault:
            return
        try:
            self._configure()
        except RnnCheckError:  # the callback's own arguments against the model: the user's to fix now
            raise
        except Exception as exc:
            self._broke("reading the model", exc)
            return
        if self._stops(self._static, configuration=True):
            self.model.stop_training = True

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if not self._configured:
            self._start()
            if self._configured and self.fits == 1 and not self.epochs:
                self._notes.append("the model was built by its first epoch: update ratios start from there")
        if self._fault or self._record is None:
            return
        try:
            self._epoch(logs)
        except Exception as exc:
            self._broke(f"epoch {len(self.epochs) + 1}", exc)

    def _broke(self, where: str, exc: BaseException) -> None:
        """Stop watching: say what failed, keep what was found so far, leave the training alone."""
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        self._fault = (
            f"the callback stopped watching at {where}: {type(exc).__name__}: {first[:200]} (the training went on "
            f"unchanged; what it found before that is kept)"
        )

    def _epoch(self, logs: dict | None) -> None:
        number = len(self.epochs) + 1
        loss = (logs or {}).get("loss")
        loss = None if loss is None else float(loss)
        if loss is not None and not math.isfinite(loss) and not self._non_finite_seen():
            self._measured += diagnosis.run("epochs", Evidence(bad_loss=loss, epoch=number))
            if self._stops(self._measured):
                self.model.stop_training = True
        raw = self._predict() if self._held is not None and (number - 1) % self.every == 0 else None
        seen = look(number, loss, raw, self._targets if raw is not None else None)
        self.epochs.append(seen)
        distinct = seen.distinct or 0
        accuracy = seen.accuracy if seen.accuracy is not None else math.nan
        self._record.look(number, accuracy, math.nan if loss is None else loss, distinct, self._weights())
        if self._targets is not None and raw is not None:
            looked = [e for e in self.epochs if e.spread is not None or e.distinct is not None]
            self._measured = [p for p in self._measured if p.code != "constant-output"]
            self._measured += diagnosis.run(
                "epochs", Evidence(epochs=tuple(looked), targets=self._targets, patience=self.patience)
            )
            if self._stops(self._measured):
                self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        try:
            self.findings = self._report()
        except Exception as exc:  # the report itself failed: the findings so far, unranked
            self._broke("the end of training", exc)
            self.findings = TrainingFindings(list(self._static) + list(self._measured),
                                             list(self._notes) + [self._fault], list(self.epochs), {})
        history = getattr(self.model, "history", None)
        if history is not None:
            history.rnncheck = self.findings
        shown = tuple((p.code, p.severity) for p in self.findings)
        if self.verbose and shown != self._printed:  # once, and again only when it changed
            print(f"rnncheck: {self.findings.title()}\n{self.findings.message()}")
            self._printed = shown

    # -- what it reads -----------------------------------------------------------------------
    def _configure(self) -> None:

        self._configured = True
        model = self.model
        self._layers = [lay for lay in flat_layers(model) if getattr(lay, "weights", None)]
        self._stateful = [lay for lay in flat_layers(model) if getattr(lay, "stateful", False)]
        self._record = FlightRecorder(
            [LayerRecord(lay.name, type(lay).__name__, bool(lay.trainable), weight_count(lay)) for lay in self._layers]
        )
        self._record.start(self._weights())
        self._held, self._targets, self._plan = None, None, None
        self._geometry, self._reader = read_geometry(model), model
        if self.data is None:
            self._notes.append(
                "no held-out slice: only the loss and the weights were watched; pass data=(x_val, y_val) to check the "
                "configuration against the data and the outputs each epoch"
            )
            return
        try:
            x, y = self.data
        except (TypeError, ValueError):
            raise CallbackError(
                f"data= takes a pair (x, y) of held-out arrays, not {type(self.data).__name__}"
            ) from None
        if isinstance(x, dict) and len(x) == 1:  # a model fed {"name": array}
            x = next(iter(x.values()))
        if isinstance(x, (dict, list, tuple)):
            raise CallbackError(
                f"data= holds {len(x)} inputs: the callback watches models with one sequence input; wrap the part to "
                f"watch in a model of its own, or leave data= out to watch the loss and the weights only"
            )
        x, y = np.asarray(x), np.asarray(y)
        keep = min(len(x), self.samples)
        batch = self._geometry.batch_size
        if batch:  # a fixed batch size takes whole batches only
            keep -= keep % batch
            if keep == 0:
                raise CallbackError(
                    f"data= holds {len(x)} samples but the model's fixed batch size is {batch}: give at least {batch}"
                )
        x, y = x[:keep], y[:keep]
        summary = summarize(x, y)
        self._reader = the_model(model, self.output)  # shares the model's layers and weights
        geometry = user_geometry(self._reader, x)
        found, notes, self._geometry, self._plan = configuration_findings(
            self._reader, summary, np.shape(x), self.lag, geometry
        )
        self._static, self._notes = found, self._notes + notes
        self._held, self._targets = x, Targets.read(y, self._geometry.output_width, self._geometry.output_rank)

    def _predict(self) -> np.ndarray:
        saved = saved_states(self._stateful)
        batch = self._geometry.batch_size or len(self._held)
        try:
            out = [predict_batch(self._reader, self._held[i: i + batch]) for i in range(0, len(self._held), batch)]
        finally:
            restore_states(saved)
        return np.concatenate(out)

    def _weights(self) -> dict[str, np.ndarray]:
        return layer_weights(self._layers)

    def _non_finite_seen(self) -> bool:
        return any(p.code == "non-finite-loss" for p in self._measured)

    def _stops(self, found: list[Pathology], configuration: bool = False) -> bool:
        if not self.stop_on:
            return False
        for p in found:
            if p.code in self.stop_on:
                return True
            if "error" in self.stop_on and p.severity == "error" and (p.certain or not configuration):
                return True
            if "collapse" in self.stop_on and p.code in COLLAPSES:
                return True
        return False

    # -- the report ----------------------------------------------------------------------------
    def _report(self) -> Any:
        last = next((e for e in reversed(self.epochs) if e.low is not None), None)
        activation = self._geometry.output_activation if self._geometry is not None else None
        found = [range_evidence(p, last, self._targets, activation) for p in self._static]
        notes = list(self._notes)
        head = any(p.certain and p.code in diagnosis.HEAD_CODES for p in found)
        for p in self._measured:  # a head proven unable to express y makes its output constant: named there
            if head and p.code == "constant-output":
                notes.append(f"symptom: {p.message}")
            else:
                found.append(p)
        if (
            self._record is not None
            and self._geometry is not None
            and len(self.epochs) >= 2
            and not diagnosis.has_error(found)
        ):
            spec = _spec(self.lag)
            for suspect in diagnosis.suspects(
                spec, self._geometry, self._record, current_learning_rate(self.model), self._plan
            ):
                notes.append(
                    f"suspected {suspect.code} ({suspect.evidence}), not checked: the callback runs no control "
                    f"experiment; a probe on this model (pytest --rnncheck) runs the one that can confirm it"
                )
        if self._fault:
            notes.append(self._fault)
        notes.append(f"watched {len(self.epochs)} epoch(s) over {self.fits} fit call(s)")
        return TrainingFindings(
            diagnosis.rank(found), notes, list(self.epochs), self._record.summary() if self._record else {}
        )


def _spec(lag: int | None) -> Any:
    return DataSpec(kind="lag" if lag else "echo", n=lag or 0)
