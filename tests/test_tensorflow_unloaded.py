"""Under JAX or PyTorch a probe does not import TensorFlow (backend.tensorflow_left_unloaded).

Keras asks its lazy TensorFlow handle whether TensorFlow is available at every get_config (and in
set_random_seed), and asking imports it: about 2 s of the first JAX probe went there (measured in
docs/performance.md). Within a probe the handle answers "not available" while the backend is another
and TensorFlow is not imported; the user's factory runs with the handle as it is, so a layer that
needs TensorFlow still imports it. The handle is faked in the first tests; the last one runs real
Keras's clone_model and set_random_seed under the block and checks that they never ask the handle
to import anything."""

import sys
import types

import pytest

from pytest_rnncheck import backend


class Handle:
    """Keras's LazyModule as far as the block reads it: ``_available`` None (not asked yet), True or False."""

    def __init__(self, available=None):
        self._available = available


@pytest.fixture
def handle(monkeypatch):
    fake = Handle()
    monkeypatch.setitem(sys.modules, "keras.src.utils.module_utils", types.SimpleNamespace(tensorflow=fake))
    monkeypatch.setattr(backend, "backend_name", lambda: "jax")
    monkeypatch.setattr(backend, "_tensorflow_imported", lambda: False)
    return fake


def test_under_another_backend_keras_is_told_tensorflow_is_absent_and_asks_again_after(handle):
    with backend.tensorflow_left_unloaded():
        assert handle._available is False
    assert handle._available is None


def test_the_users_factory_sees_the_handle_as_installed(handle):
    with backend.tensorflow_left_unloaded():
        with backend.tensorflow_as_installed():
            assert handle._available is None  # asked here, Keras imports TensorFlow where it is installed
        assert handle._available is False


def test_once_the_factory_imported_tensorflow_nothing_is_hidden_any_more(handle, monkeypatch):
    with backend.tensorflow_left_unloaded():
        with backend.tensorflow_as_installed():
            handle._available = True  # a StringLookup asked: Keras imported it
            monkeypatch.setattr(backend, "_tensorflow_imported", lambda: True)
        assert handle._available is True
    assert handle._available is True


def test_an_error_inside_gives_the_handle_back(handle):
    with pytest.raises(RuntimeError):
        with backend.tensorflow_left_unloaded():
            raise RuntimeError("a probe's error")
    assert handle._available is None


@pytest.mark.parametrize(
    "case", ["tensorflow backend", "tensorflow imported", "asked before: present", "asked before: absent"]
)
def test_nothing_is_hidden_where_tensorflow_is_the_backend_loaded_or_already_asked(handle, monkeypatch, case):
    if case == "tensorflow backend":
        monkeypatch.setattr(backend, "backend_name", lambda: "tensorflow")
    elif case == "tensorflow imported":
        monkeypatch.setattr(backend, "_tensorflow_imported", lambda: True)
    else:
        handle._available = case.endswith("present")
    before = handle._available
    with backend.tensorflow_left_unloaded():
        assert handle._available is before
    assert handle._available is before


def test_a_keras_without_the_handle_is_left_alone(monkeypatch):
    monkeypatch.setitem(sys.modules, "keras.src.utils.module_utils", types.SimpleNamespace())
    monkeypatch.setattr(backend, "backend_name", lambda: "jax")
    with backend.tensorflow_left_unloaded(), backend.tensorflow_as_installed():
        pass


def test_real_keras_clones_and_seeds_without_asking_for_tensorflow(monkeypatch):
    keras = pytest.importorskip("keras")
    from keras.src.utils import module_utils

    real = module_utils.tensorflow
    asked = []
    monkeypatch.setattr(real, "_available", None)  # as in a process that has not asked yet
    monkeypatch.setattr(real, "initialize", lambda: asked.append("initialize"))
    monkeypatch.setattr(backend, "backend_name", lambda: "jax")
    monkeypatch.setattr(backend, "_tensorflow_imported", lambda: False)
    model = keras.Sequential([keras.Input((4, 3)), keras.layers.LSTM(2), keras.layers.Dense(3, activation="softmax")])
    with backend.tensorflow_left_unloaded():
        copy = keras.models.clone_model(model)
        keras.utils.set_random_seed(3)
    assert asked == []
    assert real._available is None  # asked again after the block
    assert [layer.units for layer in copy.layers] == [2, 3]
