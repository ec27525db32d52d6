"""Traced twins (keras_adapter.traced_twin): a fresh model of a kind already trained in the process
trains on the kept model's traced functions, given the fresh model's state. Which models qualify
is told from their configuration alone; training on a twin must give the numbers the fresh model
gives (checked end to end in a pytest subprocess, so the backend's state stays out of this one).
TensorFlow's kernel cache, which holds the twins' instantiated functions, is cleared only where a
number could change or no twin trains next."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
keras = pytest.importorskip("keras")
layers = keras.layers

from pytest_rnncheck.keras_adapter import TWIN_BACKENDS, twin_key  # noqa: E402


def lstm(units=8, rate=0.01, loss="sparse_categorical_crossentropy", metrics=None, head=None):
    model = keras.Sequential([keras.Input((4, 10)), layers.LSTM(units), head or layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(rate), loss=loss, metrics=metrics)
    model.optimizer.build(model.trainable_variables)
    return model


needs_twins = pytest.mark.skipif(keras.backend.backend() not in TWIN_BACKENDS, reason="PyTorch runs eagerly: no twins")
needs_tf = pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's kernel cache")


@needs_twins
def test_two_builds_of_one_architecture_are_one_kind_whatever_their_learning_rates():
    keras.backend.clear_session()
    first = lstm(rate=0.01)
    keras.backend.clear_session()  # as before each probe: the second build gets the same layer names
    second = lstm(rate=0.05)
    assert twin_key(first) is not None
    assert twin_key(first) == twin_key(second)


@needs_twins
def test_a_different_width_loss_or_optimizer_is_another_kind():
    keras.backend.clear_session()
    base = twin_key(lstm())
    keras.backend.clear_session()
    assert twin_key(lstm(units=9)) != base
    keras.backend.clear_session()
    assert twin_key(lstm(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))) != base
    keras.backend.clear_session()
    model = keras.Sequential([keras.Input((4, 10)), layers.LSTM(8), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy")
    model.optimizer.build(model.trainable_variables)
    assert twin_key(model) != base


@needs_twins
def test_other_window_or_batch_shapes_are_another_kind():
    keras.backend.clear_session()
    model = lstm()
    assert twin_key(model, (None, (4, 10), 4, None)) == twin_key(model, (None, (4, 10), 4, None))
    assert twin_key(model, (None, (4, 10), 4, None)) != twin_key(model, (None, (4, 10), 4, 2))
    assert twin_key(model, (None, (4, 10), 4, None)) != twin_key(model, (32, (4, 10), 4, None))


def custom_loss(y_true, y_pred):
    return keras.losses.sparse_categorical_crossentropy(y_true, y_pred)


class Doubled(layers.Layer):
    def call(self, x):
        return 2 * x


class Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.rnn, self.head = layers.LSTM(8), layers.Dense(10, activation="softmax")

    def call(self, x):
        return self.head(self.rnn(x))


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda: lstm(loss=custom_loss), id="the user's own loss function"),
        pytest.param(lambda: lstm(metrics=["accuracy"]), id="metrics"),
        pytest.param(lambda: lstm(head=layers.Lambda(lambda t: t)), id="a Lambda layer"),
        pytest.param(lambda: lstm(head=Doubled()), id="the user's own layer"),
    ],
)
def test_what_a_configuration_does_not_fully_describe_trains_as_it_is(build):
    keras.backend.clear_session()
    assert twin_key(build()) is None


# -- TensorFlow's kernel cache: kept for the twins, cleared wherever that changes a number ---------
def uniforms(fn, count=2):
    return [fn().numpy().tolist() for _ in range(count)]


@needs_tf
def test_a_seed_new_to_the_process_gives_set_seeds_numbers_and_keeps_instantiated_functions():
    import tensorflow as tf

    from pytest_rnncheck.backend import seed_everything  # as a probe seeds

    drawn = tf.function(lambda: tf.random.uniform([3]), autograph=False)  # a stateful kernel in a function
    tf.random.set_seed(9001)
    public = uniforms(lambda: tf.random.uniform([3]))
    before = uniforms(drawn)
    seed_everything(keras, 9001)  # in force now (set the public way): its kernels must start again
    assert uniforms(lambda: tf.random.uniform([3])) == public
    assert uniforms(drawn) == before
    seed_everything(keras, 9002)  # new since the cache was cleared: set without clearing it
    mine = uniforms(lambda: tf.random.uniform([3]))
    after = uniforms(drawn, 1)
    assert after[0] not in before  # the function's kernel went on with its stream: nothing was cleared
    tf.random.set_seed(9002)
    assert uniforms(lambda: tf.random.uniform([3])) == mine  # the same numbers as the public way
    seed_everything(keras, 9002)  # a repeat: streams start again, as tf.random.set_seed makes them
    assert uniforms(lambda: tf.random.uniform([3])) == mine
    assert uniforms(drawn) == before


@needs_tf
def test_a_probes_session_reset_renames_layers_from_one_and_leaves_the_cache_to_the_twins():
    import tensorflow as tf

    from pytest_rnncheck import backend

    drawn = tf.function(lambda: tf.random.uniform([3]), autograph=False)
    tf.random.set_seed(9100)
    first = uniforms(drawn, 1)
    layers.Dense(2)
    backend.clear_session(keras)
    assert layers.Dense(2).name == "dense"
    assert uniforms(drawn, 1) != first  # kept: the function's kernel goes on
    backend.clear_kernel_cache()
    assert uniforms(drawn, 1) == first  # cleared, as keras.backend.clear_session clears it


@needs_twins
def test_the_cache_is_cleared_where_a_model_trains_on_its_own_functions_only(monkeypatch):
    from pytest_rnncheck import keras_adapter

    cleared = []
    monkeypatch.setattr(keras_adapter, "clear_kernel_cache", lambda: cleared.append(1))
    monkeypatch.delenv("RNNCHECK_TWINS", raising=False)
    keras_adapter.forget_twins()
    keras.backend.clear_session()
    first = lstm()
    assert keras_adapter.traced_twin(first) is first and len(cleared) == 1  # kept, trains itself
    keras.backend.clear_session()
    assert keras_adapter.traced_twin(lstm()) is first and len(cleared) == 1  # the twin trains: cache kept
    keras.backend.clear_session()
    assert keras_adapter.traced_twin(lstm(metrics=["accuracy"])) is not first and len(cleared) == 2
    keras_adapter.forget_twins()


def test_a_subclassed_or_uncompiled_model_trains_as_it_is():
    keras.backend.clear_session()
    model = Subclassed()
    model(keras.ops.zeros((2, 4, 10)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert twin_key(model) is None
    plain = keras.Sequential([keras.Input((4, 10)), layers.LSTM(8)])
    assert twin_key(plain) is None


SAME_NUMBERS = """
import os
import re
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
from keras import layers
import pytest
from pytest_rnncheck import keras_adapter
from pytest_rnncheck.runner import run_probe
from pytest_rnncheck.spec import make_spec


def build():
    return keras.Sequential([keras.Input((4, 20)), layers.LSTM(16), layers.Dropout(0.1),
                             layers.Dense(20, activation="softmax")])


def compiled(rate):
    def make():
        model = build()
        model.compile(optimizer=keras.optimizers.Adam(rate), loss="sparse_categorical_crossentropy")
        return model
    return make


def numbers(result):
    out = result.to_dict()
    for timing in ("seconds", "peak_memory_mb"):
        out.pop(timing)
    out["notes"] = [re.sub(r"in [0-9.]+ s", "in - s", note) for note in out["notes"]]  # a control's time
    return out


# an uncompiled model that passes; a compiled one at another learning rate that fails, through
# its learning-rate remedies (each a fresh copy, on the twin) and control runs
@pytest.mark.parametrize("first, second, spec, seed", [
    (build, build, make_spec("echo", budget=4096), 10),
    (compiled(0.002), compiled(0.03), make_spec("lag", 1, budget=1024), 40),
])
def test_a_probe_on_a_twin_gives_the_fresh_models_numbers(first, second, spec, seed):
    keras_adapter.forget_twins()
    run_probe(first, spec, seed)
    hits = keras_adapter.twin_hits
    on_twin = run_probe(second, spec, seed + 20)  # seeds new to the process: caches kept
    assert keras_adapter.twin_hits > hits
    keras_adapter.forget_twins()
    alone = run_probe(second, spec, seed + 20)  # the same seeds again: caches cleared
    assert numbers(on_twin) == numbers(alone)
    assert alone.sequences > 0
"""


@pytest.mark.integration
@pytest.mark.smoke  # also in the lowest-versions CI job: Keras 3.7's variables must copy the same way
@needs_twins
def test_training_on_a_twin_gives_the_numbers_of_the_fresh_model(pytester):
    pytester.makepyfile(test_same_numbers=SAME_NUMBERS)
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
