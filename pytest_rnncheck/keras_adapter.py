"""The one place that calls Keras: fresh models, clones, one output of several, compiling,
reading shapes by a forward pass, the forward passes of the reach analysis, a training step,
a prediction, the weights, stateful layers' states, the traced twins that spare the next
identical model its tracing, the short fit of ``diagnose()``, the base class of the training
callback and the devices the backend sees.

Keras is imported on first use (``backend.import_keras``), never when the plugin loads. The
rest of the package hands models to these functions and reads plain numbers back;
``geometry.py`` reads a model's configuration attributes, and nothing else touches one.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import os
from typing import Any, Callable

import numpy as np

from . import reach
from .backend import (
    clear_kernel_cache,
    clear_session,
    device_names,
    import_keras,
    seed_everything,
    tensorflow_as_installed,
)
from .encoding import Form, encode
from .errors import ModelError, RnnCheckError
from .geometry import Geometry, all_sublayers, declared_io, optimizer_rate, read_geometry
from .plan import FitError, ProbePlan, plan_probe
from .spec import ProbeSpec

#: Learning rate given to models that arrive uncompiled (with clipnorm=1.0, batches of 128).
#: Measured against 0.01 on 100 one-hot symbols, sequences until 0.9-0.95 held-out accuracy,
#: seeds 1-3: GRU(128) lag 16: 20-27k instead of 43-47k; LSTM(32) lag 2: 14k instead of 18-20k;
#: LSTM(64) lag 12: 25-35k instead of 35-45k; LSTM(256) lag 8: 14k instead of 20-25k.
#: 0.03 was a little faster still; 0.02 keeps a margin below where steps start to overshoot.
DEFAULT_LEARNING_RATE = 0.02


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def prepare(
    source: Any, spec: ProbeSpec, seed: int, label: str, reuse: bool = False
) -> tuple[Any, Geometry, ProbePlan]:
    """A fresh, seeded model, what it looks like, and the probe fitted to it.

    With ``reuse``, a built model is read as it is (static checks need no copy);
    the caller clones it before training.
    """
    keras = import_keras()
    clear_session(keras)  # no gc.collect (about 0.3 s; done after training), the kernel cache left to traced_twin
    seed_everything(keras, seed % 2**32)
    # a subclassed instance (no declared inputs) is cloned first: if it cannot be, that is the news
    readable = reuse and isinstance(source, keras.Model) and declared_io(source) is not None
    model = source if readable else fresh_model(source, label)
    io = declared_io(model)
    if io is not None and len(io[0]) != 1:
        raise ModelError(
            f"{label} has {len(io[0])} inputs; a probe feeds one sequence input. Wrap the part to check in a "
            f"model of its own (keras.Model(seq_input, seq_output)) and hand that to rnncheck"
        )
    if io is not None and len(io[1]) != 1:
        if model is source:  # the sub-model shares layers: never train the user's own instance
            model = fresh_model(source, label)
        model = one_output(model, spec, label)
    elif spec.output not in (None, 0):
        raise ModelError(f"{spec.name}: output={spec.output!r} but {label} has a single output; drop the output option")
    geometry = read_geometry(model, label)
    try:
        plan = plan_probe(spec, geometry)
        if not geometry.declared:
            geometry = forward_geometry(model, plan, label)
            plan = plan_probe(spec, geometry)
        tokens = token_table(model, plan)
        if tokens is not None and tokens != geometry.embedding_vocab:
            geometry = dataclasses.replace(geometry, embedding_vocab=tokens)
            plan = plan_probe(spec, geometry)
    except FitError as exc:
        raise RnnCheckError(str(exc)) from None
    return model, geometry, plan


def token_table(model: Any, plan: ProbePlan) -> int | None:
    """The size of the Embedding that the input's tokens reach, measured; None when there is
    one Embedding or none (nothing to tell apart) or the forward passes cannot show it.

    A model may hold several tables: the tokens', and positional ones fed ``arange(T)`` (as
    wide as the window, which may be wider than the vocabulary). Two forward passes, all
    tokens 0 and then all tokens 1, record what each Embedding receives: the table whose
    indices follow the input is the tokens'; a positional table gets the same indices both times.
    """
    keras = import_keras()
    tables = [layer for layer in all_sublayers(model) if type(layer).__name__ == "Embedding"]
    if len(tables) < 2 or plan.encoding != "index" or not plan.timesteps:
        return None
    seen: dict[int, list[np.ndarray]] = {id(table): [] for table in tables}

    def spy(table: Any) -> Any:
        call = table.call

        def recorded(inputs: Any, *args: Any, **kwargs: Any) -> Any:
            seen[id(table)].append(np.asarray(keras.ops.convert_to_numpy(inputs)))
            return call(inputs, *args, **kwargs)

        return recorded

    try:
        for table in tables:
            table.call = spy(table)
        for token in (0, 1):
            model(np.full((1, plan.timesteps), token, dtype="int32"), training=False)
    except Exception:  # a model that cannot run this way: keep what its configuration says
        return None
    finally:
        for table in tables:
            table.__dict__.pop("call", None)
    following = [
        table for table in tables
        if len(seen[id(table)]) == 2 and seen[id(table)][0].shape == seen[id(table)][1].shape
        and not np.array_equal(seen[id(table)][0], seen[id(table)][1])
    ]
    return int(following[0].input_dim) if len(following) == 1 else None


def output_names(model: Any) -> list[str]:
    """The name of each declared output; a subclassed model declares none and counts as one."""
    outputs = getattr(model, "outputs", None)
    if not outputs:
        return [getattr(model, "name", None) or "output_0"]
    names = []
    for k, tensor in enumerate(outputs):
        history = getattr(tensor, "_keras_history", None)
        layer = getattr(history, "operation", None) or (history[0] if history else None)
        names.append(getattr(layer, "name", None) or f"output_{k}")
    return names


def losses_per_output(model: Any, names: list[str]) -> list[Any] | None:
    """The loss compiled for each output (None where an output has none); None if uncompiled."""
    loss = getattr(model, "loss", None)
    if loss is None or getattr(model, "optimizer", None) is None:
        return None
    if isinstance(loss, dict):
        return [loss.get(name) for name in names]
    if isinstance(loss, (list, tuple)):
        return list(loss) + [None] * (len(names) - len(loss))
    return [loss] * len(names)


def one_output(model: Any, spec: ProbeSpec, label: str) -> Any:
    """The model cut down to the one output the probe reads, compiled with that output's loss.

    Chosen by the probe's ``output=`` (index or name), else the only output that carries a loss.
    """
    keras = import_keras()
    names = output_names(model)
    losses = losses_per_output(model, names)
    listing = ", ".join(f"{k}: {name}" for k, name in enumerate(names))
    if spec.output is not None:
        index = (
            spec.output if isinstance(spec.output, int) else (names.index(spec.output) if spec.output in names else -1)
        )
        if not 0 <= index < len(names):
            raise ModelError(f"{spec.name}: {label} has no output {spec.output!r}; its outputs are {listing}")
    else:
        with_loss = [k for k, loss in enumerate(losses or []) if loss is not None]
        if len(with_loss) != 1:
            raise ModelError(
                f"{label} has {len(names)} outputs ({listing}) and "
                f"{'is not compiled' if losses is None else f'{len(with_loss)} of them carry a loss'}; "
                f"name the one to probe with output=, e.g. @rnncheck.lag(2, output={names[-1]!r})"
            )
        index = with_loss[0]
    sub = keras.Model(model.inputs, model.outputs[index], name=f"{model.name}_{names[index]}")
    if losses is not None and losses[index] is not None:
        compile_like(model, sub, losses[index])
    return sub


def fresh_model(source: Any, label: str) -> Any:
    keras = import_keras()
    if isinstance(source, keras.Model):
        return clone(source, label)
    if isinstance(source, keras.layers.Layer) or not callable(source):
        raise ModelError(
            f"rnncheck() got {type(source).__module__}.{type(source).__qualname__}; it takes a keras.Model "
            f"or a zero-argument function that builds one, e.g. rnncheck(build_model)"
        )
    try:
        needed = [
            p.name
            for p in inspect.signature(source).parameters.values()
            if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
        ]
    except (TypeError, ValueError):
        needed = []
    if needed:
        raise ModelError(
            f"model factory {label}() needs argument(s) {', '.join(needed)}; rnncheck calls it with none. "
            f"Pass a zero-argument callable, e.g. rnncheck(lambda: {label}(...)) or functools.partial"
        )
    try:
        with tensorflow_as_installed():
            model = source()
    except Exception as exc:  # the user's own code: report its message, run the other tests
        raise ModelError(f"model factory {label}() raised {type(exc).__name__}: {exc}") from None
    if not isinstance(model, keras.Model):
        raise ModelError(
            f"model factory {label}() returned {type(model).__module__}.{type(model).__qualname__}; "
            f"it must return a keras.Model (Sequential, functional or subclassed)"
        )
    return model


def clone(model: Any, label: str) -> Any:
    keras = import_keras()
    try:
        copy = keras.models.clone_model(model)
    except Exception as exc:
        first = first_line(exc)
        raise ModelError(
            f"cannot clone {label} ({type(model).__qualname__}) to train a fresh copy: {first}. "
            f"Subclassed models usually cannot be cloned; pass a zero-argument factory instead, "
            f"e.g. rnncheck(lambda: {type(model).__qualname__}(...))"
        ) from None
    compile_like(model, copy)
    return copy


def rebuilt(source: Any, label: str, edit: Callable[[Any], Any]) -> Any:
    """A fresh model rebuilt from its configuration as ``edit`` changes it, compiled as the original."""
    model = fresh_model(source, label)
    copy = type(model).from_config(edit(model.get_config()))
    compile_like(model, copy)
    return copy


def compile_like(model: Any, copy: Any, loss: Any = None) -> None:
    """Compile ``copy`` as ``model`` was (a fresh optimizer of the same kind and settings, and
    ``loss`` or the model's own), if it was compiled."""
    loss = loss if loss is not None else getattr(model, "loss", None)
    if getattr(model, "optimizer", None) is not None and loss is not None:
        optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
        copy.compile(optimizer=optimizer, loss=loss)


def forward_geometry(model: Any, plan: ProbePlan, label: str) -> Geometry:
    """Shapes of a model that declares none, found by one forward pass."""
    batch = plan.batch_size or 2
    x = encode(plan.encoding, np.zeros((batch, plan.timesteps), dtype=int), plan.model_vocab)
    try:
        y = model(x)
    except Exception as exc:
        first = first_line(exc)
        raise ModelError(
            f"{label} rejected a probe batch shaped {x.shape} ({plan.encoding} encoding, "
            f"vocab={plan.vocab}, timesteps={plan.timesteps}): {first}. Set encoding=, vocab= and "
            f"timesteps= on the probe to what the model takes"
        ) from None
    if isinstance(y, (list, tuple, dict)):
        raise ModelError(f"{label} returns {len(y)} outputs; a probe needs exactly one output")
    return read_geometry(model, label, input_shape=(x.shape, str(x.dtype)), output_shape=tuple(y.shape))


def compile_default(model: Any, geometry: Geometry, plan: ProbePlan, learning_rate: float) -> bool:
    """Compile an uncompiled model with a loss that fits its output; return sparse-ness."""
    keras = import_keras()
    act = geometry.output_activation
    sparse = False
    if plan.form == Form.CLASSES and act == "softmax":
        loss, sparse = "sparse_categorical_crossentropy", True
    elif plan.form == Form.CLASSES and act in ("linear", None):
        loss, sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True), True
    elif plan.form in (Form.BITS, Form.SCALAR) and act == "sigmoid":
        loss = "binary_crossentropy"
    else:
        loss = "mean_squared_error"
    # clipnorm: measured on GRU(128) lag(16), the same curve early on and no later collapse
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=1.0), loss=loss)
    return sparse


def build_optimizer(model: Any) -> None:
    """Create the optimizer's slot variables before the first training step.

    Under TensorFlow a ``tf.function`` whose first trace creates variables is traced
    twice (once creating them, once without); Adam creates its moments lazily inside
    the first train step, so building them here saves that second trace (about 0.3 s
    per trained model on the 2-core CI machine). Only for built models: an unbuilt one
    creates its weights in that first step, and the optimizer must see them.
    """
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or getattr(optimizer, "built", True) or not getattr(model, "built", False):
        return
    try:
        optimizer.build(model.trainable_variables)
    except Exception:  # an optimizer that builds differently: the first step builds it as before
        return


def current_learning_rate(model: Any) -> float | None:
    """The optimizer's fixed learning rate; None for a schedule (left alone)."""
    return optimizer_rate(getattr(model, "optimizer", None))


def forward(model: Any, batch_size: int | None) -> reach.Forward:
    """Inference-mode outputs as numpy, in chunks of a fixed batch size where the model has one."""
    keras = import_keras()

    def call(x: np.ndarray) -> np.ndarray:
        if not batch_size:
            return keras.ops.convert_to_numpy(model(x, training=False))
        rows = x.shape[0]
        padded = np.concatenate([x, np.repeat(x[:1], (-rows) % batch_size, axis=0)])
        outs = [
            keras.ops.convert_to_numpy(model(padded[k : k + batch_size], training=False))
            for k in range(0, len(padded), batch_size)
        ]
        return np.concatenate(outs)[:rows]

    return call


def measure_reach(model: Any, plan: ProbePlan, seed: int) -> reach.ReachMap | None:
    """Which input steps reach each output, on ``model``'s fresh weights and on a second
    initialisation (a clone, where the model can be cloned); None where it cannot be measured:
    a stateful model (its reach crosses batches, which one forward pass cannot show) or a
    model that rejects the probe's batch (training then reports that clearly)."""
    keras = import_keras()
    if plan.stateful or plan.form is None or plan.many_to_many is None:
        return None
    forwards = [forward(model, plan.batch_size)]
    try:
        second = keras.models.clone_model(model)
    except Exception:  # subclassed models: one initialisation is still a measurement
        second = None
    if second is not None:
        forwards.append(forward(second, plan.batch_size))
    try:
        continuous = plan.encoding == "continuous"
        return reach.measure(
            forwards,
            lambda symbols: encode(plan.encoding, symbols, plan.model_vocab),
            0 if continuous else plan.vocab,
            plan.timesteps,
            np.random.default_rng(seed),
            features=plan.model_vocab if continuous else None,
        )
    except Exception:
        return None


# -- the training loop's calls ------------------------------------------------------------------
def train_batch(model: Any, x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> float:
    """One optimizer step on a batch; the loss of that batch (the first value of several).

    Keras before keras-team/keras#22617 (3.7 up to about 3.13) reports from ``train_on_batch`` the
    running mean of the loss since the model was compiled, not the batch's: the stop rule, which
    reads the loss's drop, would see a lagging mean there. So the metrics are reset first where
    ``train_on_batch`` does not reset them itself."""
    reset = getattr(model, "reset_metrics", None)
    if reset is not None and not _resets_itself(type(model)):
        reset()
    loss = model.train_on_batch(x, y, sample_weight=weights)
    return float(loss[0] if isinstance(loss, (list, tuple)) else loss)


@functools.lru_cache(maxsize=None)
def _resets_itself(model_class: type) -> bool:
    """Whether this class's ``train_on_batch`` resets the metrics before its step (read once per class)."""
    try:
        return "reset_metrics" in inspect.getsource(model_class.train_on_batch)
    except (AttributeError, OSError, TypeError):  # no source to read: reset it here (about 1 ms a batch)
        return False


def predict_batch(model: Any, x: np.ndarray) -> np.ndarray:
    """Inference outputs of one batch as numpy (one compiled predict function serves every call)."""
    return np.asarray(model.predict_on_batch(x))


# -- traced twins ------------------------------------------------------------------------------
#: Trained models kept, by what they are, so that the next fresh model of the same kind trains on
#: their traced train and predict functions: TensorFlow traces both anew for every new model (about
#: 0.4 s of a 1 s LSTM(32) probe here), and the same architecture comes back for every probe of a
#: model, every remedy, every lag of memory() and every seed of seeds=k.
TWINS_KEPT = 2
#: Where the functions are traced (and compiled) once per model: PyTorch runs eagerly, nothing to skip.
TWIN_BACKENDS = ("tensorflow", "jax")
_twins: dict[str, Any] = {}
twin_hits = 0  # models that trained on a twin, for the tests and benchmarks


def twin_key(model: Any, feeds: Any = None) -> str | None:
    """What a model is, as far as its traced functions depend on it, fed as ``feeds`` says (the
    probe's batch and window shapes: a function traced again at other shapes would be relaxed to
    any shape, and might round differently); None where that cannot be told.

    Only what its configuration fully describes: a Sequential or functional model (no subclass) of
    Keras's own layers (no Lambda, whose function a configuration does not capture), compiled with
    a Keras optimizer, a Keras loss and no metrics, on TensorFlow or JAX (``TWIN_BACKENDS``).
    The learning rate is left out: it is a variable of the optimizer, copied with the others.
    ``RNNCHECK_TWINS=0`` in the environment turns twins off (every model traces its own functions).
    """
    keras = import_keras()
    if os.environ.get("RNNCHECK_TWINS", "1") == "0" or keras.backend.backend() not in TWIN_BACKENDS:
        return None
    if not getattr(model, "built", False):
        return None
    if type(model).__name__ not in ("Sequential", "Functional") or not type(model).__module__.startswith("keras."):
        return None
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not getattr(optimizer, "built", False) or not _keras_own(optimizer):
        return None
    for layer in all_sublayers(model):
        if not _keras_own(layer) or type(layer).__name__ in ("Lambda", "TFSMLayer"):
            return None
    try:
        compiled = model.get_compile_config()
        if not compiled or compiled.get("metrics") or compiled.get("weighted_metrics"):
            return None
        loss = model.loss
        if not (isinstance(loss, str) or _keras_own(loss)):
            return None
        options = dict(compiled["optimizer"]["config"])
        if isinstance(options.get("learning_rate"), (int, float)):
            del options["learning_rate"]
        shapes = [(tuple(v.shape), str(v.dtype)) for v in [*model.variables, *optimizer.variables]]
        return json.dumps(
            [type(model).__name__, model.get_config(), {**compiled, "optimizer": options}, shapes, feeds],
            sort_keys=True, default=str,
        )
    except Exception:  # a configuration that does not serialize: the model trains as it is
        return None


def _keras_own(obj: Any) -> bool:
    return type(obj).__module__.startswith("keras.")


def traced_twin(model: Any, feeds: Any = None) -> Any:
    """The model to train: a kept twin of the same kind given ``model``'s fresh state (weights,
    recurrent states, random-seed states, optimizer slots, step count and learning rate), else
    ``model`` itself, kept for the next. Training the twin gives the numbers ``model`` would give
    (tests/test_twins.py); only the tracing is skipped. TensorFlow's kernel cache, which the probe's
    ``clear_session`` left alone (it holds the twins' instantiated functions), is cleared here
    wherever the model trains on functions of its own."""
    global twin_hits
    keras = import_keras()
    key = twin_key(model, feeds)
    if key is None:
        clear_kernel_cache()  # nothing kept is used: the cache goes, as at every clear_session
        return model
    twin = _twins.pop(key, None)
    if twin is not None:
        try:  # the key holds every variable's shape and dtype, so the two lists pair up
            for mine, fresh in zip([*twin.variables, *twin.optimizer.variables],
                                   [*model.variables, *model.optimizer.variables]):
                mine.assign(keras.ops.copy(fresh.value))  # never a shared buffer: JAX donates the twin's
        except Exception:  # a half-copied twin is dropped: this model trains as it is
            twin = None
    if twin is None:
        clear_kernel_cache()  # the kept twins' functions are instantiated again if they are used again
        _twins[key] = model
        while len(_twins) > TWINS_KEPT:
            del _twins[next(iter(_twins))]
        return model
    _twins[key] = twin
    twin_hits += 1
    return twin


def forget_twins() -> None:
    _twins.clear()


def reset_states(layers: list[Any]) -> None:
    """Zero the states of stateful recurrent layers."""
    for layer in layers:
        layer.reset_state()


def layer_weights(layers: list[Any]) -> dict[str, np.ndarray]:
    """Each layer's weights, flattened into one vector per layer name (numpy, any backend)."""
    out = {}
    for layer in layers:
        values = [np.asarray(w).ravel() for w in layer.get_weights()]
        if values:
            out[layer.name] = np.concatenate(values)
    return out


def set_learning_rate(model: Any, rate: float) -> None:
    """Set a compiled model's fixed learning rate."""
    model.optimizer.learning_rate = rate


def load() -> None:
    """Import Keras (and its backend) now, so the first probe does not wait for it."""
    import_keras()


def is_model(value: Any) -> bool:
    return isinstance(value, import_keras().Model)


def devices() -> list[str]:
    """The devices the backend sees (``cpu:0``, ``gpu:0``); Keras is loaded by the time a probe asks."""
    return device_names(import_keras())


def saved_states(layers: list[Any]) -> list[tuple[Any, list[np.ndarray]]]:
    """The current states of stateful layers, to put back with ``restore_states``."""
    return [(layer, [np.asarray(v) for v in layer.states]) for layer in layers if getattr(layer, "states", None)]


def restore_states(saved: list[tuple[Any, list[np.ndarray]]]) -> None:
    for layer, values in saved:
        for variable, value in zip(layer.states, values):
            variable.assign(value)


def callback_base() -> type:
    """``keras.callbacks.Callback``, which the training callback (watch.py) derives from."""
    return import_keras().callbacks.Callback


# -- diagnose()'s short fit ---------------------------------------------------------------------
def seeded_copy(model: Any, seed: int) -> Any:
    """The backend seeded, then an uncompiled copy of ``model`` (fresh weights)."""
    keras = import_keras()
    seed_everything(keras, seed)
    return keras.models.clone_model(model)


def fit_and_predict(
    copy: Any, model: Any, x: np.ndarray, y: np.ndarray, held: np.ndarray, *, epochs: int, batch: int, shuffle: bool
) -> np.ndarray:
    """``copy`` given ``model``'s weights, optimizer settings and loss, fitted on (x, y) as the
    user's own ``fit`` would, and its predictions on ``held``."""
    copy.set_weights(model.get_weights())  # start where the user's own training would
    copy.compile(optimizer=type(model.optimizer).from_config(model.optimizer.get_config()), loss=model.loss)
    copy.fit(x, y, epochs=epochs, batch_size=batch, verbose=0, shuffle=shuffle)
    return np.asarray(copy.predict(held, batch_size=batch, verbose=0))
