"""Importing Keras quietly, naming its backend, seeding it.

TensorFlow's C++ runtime writes its start-up chatter (``failed call to cuInit``,
oneDNN and CPU-feature notices, absl's ``All log messages before
absl::InitializeLog()``) straight to file descriptor 2, below anything Python
can filter, and ``TF_CPP_MIN_LOG_LEVEL`` no longer silences all of it. A
newcomer reads those lines under a failing probe as its cause. So the first
import of Keras, and the first operation (where devices are initialised), run
with descriptor 2 pointed at a temporary file; afterwards every line that is
not in the runtime's own log format is written back to stderr. Only the
backend's start-up is filtered: the user's own logging is never touched.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import sys
import tempfile
from typing import Any, Iterator

#: A line of the C++ runtime's log: ``E0000 00:00:1795741920.140101 3001 cuda_platform.cc:52] ...``
NATIVE_LOG = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ \S+:\d+\]")
ABSL_PREAMBLE = "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


_started: list[Any] = []  # Keras, once imported and its devices initialised here


def import_keras() -> Any:
    """Keras, with the backend's start-up chatter filtered out.

    The user's test module has often imported Keras already; its devices are
    initialised at the first operation, so that is done here too, quietly.
    """
    if _started:
        return _started[0]
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with quiet_native_stderr():
        import keras

        keras.ops.convert_to_numpy(keras.ops.zeros((1,)))  # initialise the devices now
    _started.append(keras)
    return keras


def backend_name() -> str:
    """The Keras backend in use, without importing Keras if it is not loaded yet."""
    if "keras" in sys.modules:
        return sys.modules["keras"].backend.backend()
    return os.environ.get("KERAS_BACKEND", "tensorflow")


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """Hold back what is written to descriptor 2; give back all but native log lines."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real descriptor 2 (embedded interpreters)
        yield
        return
    with tempfile.TemporaryFile(mode="w+b") as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = without_native_log(held.read().decode("utf-8", "replace"))
            if kept:
                sys.stderr.write(kept)
                sys.stderr.flush()


def without_native_log(text: str) -> str:
    """``text`` less the runtime's log lines (and the lines that continue them)."""
    kept, dropping = [], False
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\n")
        if NATIVE_LOG.match(stripped) or stripped == ABSL_PREAMBLE:
            dropping = True
            continue
        continues = dropping and stripped and not stripped.startswith(("Traceback", " ")) and "Warning" not in stripped
        if continues:
            continue
        dropping = False
        kept.append(line)
    return "".join(kept)


def device_names(keras: Any) -> list[str]:
    """The devices the backend sees (``cpu:0``, ``gpu:0``, ...), as Keras lists them; empty when
    it cannot say."""
    try:
        return sorted({str(device).lower() for device in keras.distribution.list_devices()})
    except Exception:  # a backend without distribution support: say nothing rather than guess
        return []


def seed_everything(keras: Any, seed: int) -> None:
    """Seed Python, numpy and the backend: keras.utils.set_random_seed.

    It imports TensorFlow whenever it is installed (about 2 s) even under JAX or PyTorch, where
    the probes never use it; there it runs inside ``tensorflow_left_unloaded``. Where TensorFlow
    is loaded, its seed is set without the cost ``kernel_cache_kept`` avoids.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow" or _tensorflow_imported():
        with kernel_cache_kept(seed):
            keras.utils.set_random_seed(seed)
        if backend == "tensorflow":
            import tensorflow as tf

            tf.config.experimental.enable_op_determinism()
        return
    with tensorflow_left_unloaded():
        keras.utils.set_random_seed(seed)


def _lazy_tensorflow() -> Any:
    """Keras's lazy handle on TensorFlow (``keras.src.utils.module_utils.tensorflow``), or None
    where this Keras has none of that shape."""
    module = sys.modules.get("keras.src.utils.module_utils")
    handle = getattr(module, "tensorflow", None)
    return handle if hasattr(handle, "_available") else None


def _tensorflow_imported() -> bool:
    return "tensorflow" in sys.modules


@contextlib.contextmanager
def tensorflow_left_unloaded() -> Iterator[None]:
    """Keras's own steps of a probe without importing TensorFlow, under another backend.

    Keras reaches TensorFlow through a lazy handle whose ``available`` imports it when first
    asked, and its serialization asks at every ``get_config`` (is this value a ``tf.TensorShape``?),
    as ``set_random_seed`` does. This package needs TensorFlow installed, so under JAX or
    PyTorch the first ``clone_model`` of a probe imported it: about 2 s of a 6.5 s first JAX
    probe, for a library the probe never uses. Within this block, while the backend is not
    TensorFlow and nothing has imported it, the handle answers "not available" (no value can
    be of a type from a module never imported); afterwards it asks again. The user's own code
    runs under ``tensorflow_as_installed``, so a layer that needs TensorFlow (``StringLookup``
    under JAX) imports it there, as it would without this package, and from then on this block
    changes nothing."""
    handle = _lazy_tensorflow()
    if handle is None or handle._available is not None or _tensorflow_imported() or backend_name() == "tensorflow":
        yield
        return
    with _answering(handle, False, then=None):
        yield


@contextlib.contextmanager
def tensorflow_as_installed() -> Iterator[None]:
    """The user's code (a model factory) with Keras's TensorFlow handle as it is without
    ``tensorflow_left_unloaded``: asked, it imports TensorFlow where it is installed."""
    handle = _lazy_tensorflow()
    if handle is None or handle._available is not False or _tensorflow_imported():
        yield
        return
    with _answering(handle, None, then=False):
        yield


@contextlib.contextmanager
def _answering(handle: Any, now: bool | None, then: bool | None) -> Iterator[None]:
    """The handle's ``_available`` is ``now`` meanwhile and ``then`` after, unless TensorFlow was
    imported or the handle asked meanwhile (its answer is then the true one, and kept)."""
    handle._available = now
    try:
        yield
    finally:
        if handle._available is now and not _tensorflow_imported():
            handle._available = then


#: TensorFlow's default graph seed, under which ops given only an op-level seed run.
DEFAULT_GRAPH_SEED = 87654321
#: The global seeds in force since TensorFlow's kernel cache was last cleared: those under which
#: a cached stateful random kernel may exist.
_seeds_since_clear: set[Any] = {DEFAULT_GRAPH_SEED}


@contextlib.contextmanager
def kernel_cache_kept(seed: int) -> Iterator[None]:
    """Within it, ``tf.random.set_seed(seed)`` leaves TensorFlow's kernel cache alone where that changes nothing.

    ``tf.random.set_seed`` also clears the cache, so that a stateful random kernel starts its
    stream again; but the cache holds every function TensorFlow has instantiated too, and each
    is optimised again at its next call: about 0.3 s for an LSTM(32)'s train function, 0.1 s for
    its predict function, paid by every probe that trains on a kept twin (keras_adapter.py). A
    random kernel is cached under the global seed it ran with (one of its attributes), so under a
    seed not in force since the last clear none can be found: that seed is set as
    ``tf.random.set_seed`` sets it, less the clear. Any other seed is set the public way."""
    context = _eager_context()
    if context is None or not hasattr(context, "_set_global_seed"):
        yield
        return
    _seeds_since_clear.add(getattr(context, "_seed", None))  # in force now: a user's own set_seed, say
    if seed in _seeds_since_clear:
        yield
        _cleared(context)
        return

    def set_global_seed(value: int) -> None:  # context._set_global_seed, less the clear
        context._seed, context._rng = value, random.Random(value)

    with _hidden(context, "_set_global_seed", set_global_seed):
        yield
    _seeds_since_clear.add(seed)


@contextlib.contextmanager
def _hidden(context: Any, method: str, stand_in: Any) -> Iterator[None]:
    """``context.<method>`` answered by ``stand_in`` meanwhile (an instance attribute hides the method)."""
    setattr(context, method, stand_in)
    try:
        yield
    finally:
        delattr(context, method)


def _cleared(context: Any) -> None:
    """The kernel cache was just cleared: only the seed in force now (and the default) can be met."""
    _seeds_since_clear.clear()
    _seeds_since_clear.update((DEFAULT_GRAPH_SEED, getattr(context, "_seed", None)))


def _eager_context() -> Any:
    """TensorFlow's eager context where TensorFlow is loaded and executing eagerly, else None."""
    if "tensorflow" not in sys.modules:
        return None
    try:
        import tensorflow as tf
        from tensorflow.python.eager import context
    except ImportError:
        return None
    return context.context() if tf.executing_eagerly() else None


def clear_session(keras: Any) -> None:
    """``keras.backend.clear_session(free_memory=False)`` (layer names count from 1 again, Keras's
    global state dropped), less its clearing of TensorFlow's kernel cache, which would drop the kept
    twins' instantiated functions (see ``kernel_cache_kept``); ``clear_kernel_cache`` does that part
    once it is known that no twin trains next."""
    context = _eager_context()
    if context is None or not hasattr(context, "clear_kernel_cache"):
        keras.backend.clear_session(free_memory=False)
        return
    with _hidden(context, "clear_kernel_cache", lambda: None):
        keras.backend.clear_session(free_memory=False)


def clear_kernel_cache() -> None:
    """The rest of ``clear_session``: TensorFlow's cached kernels and instantiated functions freed."""
    context = _eager_context()
    if context is not None:
        context.clear_kernel_cache()
        _cleared(context)
