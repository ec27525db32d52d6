"""Probes in a worker process: memory given back, a stuck probe stopped, a crash contained.

Keras and TensorFlow do not give back all the memory a trained model took, even
after ``clear_session``: about 10 MB per probe stays behind. So probes run in a
child process (``multiprocessing``'s *spawn* start method: a fresh interpreter,
safe whatever threads the parent runs), which is replaced after
``MAX_PROBES`` probes or once it has grown ``MEMORY_CEILING_MB`` past its
start. The parent only waits on a pipe, so it can

- stop a probe that runs past its time limit (the child is killed and replaced),
- survive a child that dies (a segfault in native code, the out-of-memory
  killer): the probe gets an ``error`` naming the signal and the peak memory,
- show the child's training progress as it comes.

A factory is sent with cloudpickle (lambdas and closures inside a test work);
a ``--rnncheck-model`` reference is sent as the reference and imported in the
child. What cannot be sent at all runs in-process, with a note saying so.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable

from . import run_profiles
from .memory import proc_field_mb
from .model_refs import ModelRef
from .result import ProbeResult
from .spec import ProbeSpec

#: Probes one worker runs before it is replaced.
MAX_PROBES = 20
#: Growth past the worker's size after start-up (MB) at which it is replaced.
MEMORY_CEILING_MB = 400.0
#: Seconds between two looks at the worker while it runs a probe.
POLL = 0.1

Progress = Callable[[int, "float | None"], None]


STOP = b""  # sent to the worker: no more probes


class WorkerMessage(StrEnum):
    """The first element of each tuple the worker sends up its pipe (sent as its plain text)."""

    STARTED = "started"  # ("started",): the probe's time limit counts from here
    PROGRESS = "progress"  # ("progress", sequences, monitor accuracy or None)
    RESULT = "result"  # ("result", pickled ProbeResult, the worker's resident memory in MB or None)
    UNPICKLABLE = "unpicklable"  # ("unpicklable", why): the task could not be rebuilt in the worker


class WorkerOutcome(StrEnum):
    """How ``ProbeWorker.run`` ended: the first element of the pair it returns."""

    RESULT = "result"  # the ProbeResult
    UNPICKLABLE = "unpicklable"  # why the task could not be rebuilt in the worker
    TIMEOUT = "timeout"  # the stage the probe was stopped in
    DIED = "died"  # how the worker process ended


@dataclasses.dataclass
class ProbeTask:
    """What the worker needs to run one probe: the model's source, by value or by reference."""

    spec: ProbeSpec
    seed: int
    label: str | None
    factory: Any = None
    ref: ModelRef | None = None
    rootdir: str | None = None
    profile: str = run_profiles.DEFAULT

    def error_result(self, message: str) -> ProbeResult:
        """The result of this probe when it could not run."""
        spec = self.spec
        result = ProbeResult(model=self.label or "-", probe=spec.name, seed=self.seed, threshold=spec.min_accuracy)
        result.error, result.stopped = message, "error"
        return result

    def source(self) -> Any:
        if self.ref is None:
            return self.factory
        from .model_refs import load_model_ref

        return load_model_ref(self.ref, Path(self.rootdir or "."))


class ProbeExecutor:
    """Runs probes in a recycled worker process, or in-process when isolation is off."""

    def __init__(self, isolate: bool, timeout: float | None):
        self.isolate, self.timeout = isolate, timeout
        self.worker = ProbeWorker()

    def prestart(self) -> None:
        """Start the worker now, so it imports Keras while pytest collects and runs other tests."""
        if self.isolate and not self.worker.alive:
            self.worker.start()

    def run(self, task: ProbeTask, progress: Progress) -> ProbeResult:
        if not self.isolate:
            return self.in_process(task, progress)
        import cloudpickle

        try:
            payload = cloudpickle.dumps(task)
        except Exception as exc:
            why = f"could not be sent to a worker process ({type(exc).__name__}: {exc})"
            return self.in_process(task, progress, why)
        start = time.monotonic()
        try:
            outcome, value = self.worker.run(payload, progress, self.timeout)
            if outcome == WorkerOutcome.UNPICKLABLE and task.factory is not None:
                by_value = self.by_value(task)
                if by_value is not None:
                    outcome, value = self.worker.run(by_value, progress, self.timeout)
        except BaseException:  # Ctrl-C, pytest-timeout: the worker is mid-probe, so it goes
            self.worker.kill()
            raise
        if outcome == WorkerOutcome.RESULT:
            return value
        if outcome == WorkerOutcome.UNPICKLABLE:
            return self.in_process(task, progress, f"could not be rebuilt in a worker process ({value})")
        if outcome == WorkerOutcome.TIMEOUT:
            message = (
                f"stopped after {self.timeout:g} s, the per-probe time limit, {value}; the other tests go on. "
                f"If the model is just slow, raise the limit (--rnncheck-timeout=SECONDS, ini rnncheck_timeout) "
                f"or lower the probe's budget=; if it hangs, look for a deadlock in the model factory or a layer"
            )
        else:
            message = (
                f"{value}. The other tests go on. A crash in native code (TensorFlow, a custom op) or running "
                f"out of memory ends the process that runs the probe; try the model alone to see its own message"
            )
        result = task.error_result(message)
        result.seconds = time.monotonic() - start
        result.peak_memory_mb, result.peak_memory_scope = self.worker.peak_mb, "worker"
        return result

    @staticmethod
    def by_value(task: ProbeTask) -> bytes | None:
        """The task again, with the factory's module pickled by value (for test modules that the
        worker cannot import by name, e.g. under --import-mode=importlib)."""
        import cloudpickle

        module = sys.modules.get(getattr(task.factory, "__module__", None) or "")
        if module is None:
            return None
        try:
            cloudpickle.register_pickle_by_value(module)
            return cloudpickle.dumps(task)
        except Exception:
            return None
        finally:
            try:
                cloudpickle.unregister_pickle_by_value(module)
            except Exception:
                pass

    @staticmethod
    def in_process(task: ProbeTask, progress: Progress, why: str | None = None) -> ProbeResult:
        from .runner import run_probe

        try:
            source = task.source()
        except Exception as exc:
            return task.error_result(str(exc))
        result = run_probe(source, task.spec, task.seed, task.label, progress, task.profile)
        if why:
            result.notes.append(f"ran in the test's own process: the model {why}")
        return result

    def close(self) -> None:
        self.worker.close()


#: Seconds a worker may take to start (import Keras) before its probe's own time limit counts.
STARTUP_ALLOWANCE = 60.0


class ProbeWorker:
    """One child process running one probe at a time."""

    def __init__(self) -> None:
        self.process: Any = None
        self.conn: Any = None
        self.probes = 0
        self.base_mb: float | None = None
        self.peak_mb: float | None = None

    # -- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        from .resources import worker_environment

        args = (child, list(sys.path), worker_environment(os.environ))
        self.process = ctx.Process(target=worker_main, args=args, daemon=True, name="rnncheck-probe")
        self.process.start()
        child.close()
        self.conn, self.probes, self.peak_mb = parent, 0, None
        self.base_mb = None

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.is_alive()

    def close(self) -> None:
        if self.process is None:
            return
        try:
            if self.process.is_alive():
                self.conn.send_bytes(STOP)
                self.process.join(2)
        except (OSError, EOFError, BrokenPipeError):
            pass
        self.kill()

    def kill(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None

    def worn_out(self, rss_mb: float | None) -> bool:
        if self.probes >= MAX_PROBES:
            return True
        if rss_mb is None:
            return False
        if self.base_mb is None:
            self.base_mb = rss_mb
        return rss_mb - self.base_mb > MEMORY_CEILING_MB

    # -- one probe ---------------------------------------------------------------
    def run(self, payload: bytes, progress: Progress, timeout: float | None) -> tuple[WorkerOutcome, Any]:
        """Send one probe; return (RESULT, ProbeResult), (UNPICKLABLE, text),
        (TIMEOUT, stage) or (DIED, description)."""
        if not self.alive:
            self.start()
        self.conn.send_bytes(payload)
        self.probes += 1
        # until the worker says the probe started, a fresh worker may still be importing Keras:
        # that start-up (slow on a loaded machine) gets STARTUP_ALLOWANCE on top of the limit
        start = time.monotonic() + STARTUP_ALLOWANCE
        stage = "before training (building or measuring the model)"
        while True:
            self.sample_memory()
            if self.conn.poll(POLL):
                try:
                    message = self.conn.recv()
                except (EOFError, OSError):
                    return WorkerOutcome.DIED, self.death(stage)
                kind = message[0]
                if kind == WorkerMessage.STARTED:
                    start = time.monotonic()
                elif kind == WorkerMessage.PROGRESS:
                    _, sequences, accuracy = message
                    acc = "" if accuracy is None else f", monitor accuracy {accuracy:.3f}"
                    stage = f"training: {sequences:,} sequences seen{acc}"
                    progress(sequences, accuracy)
                elif kind == WorkerMessage.RESULT:
                    _, blob, rss = message
                    if self.worn_out(rss):
                        self.close()
                    return WorkerOutcome.RESULT, pickle.loads(blob)
                elif kind == WorkerMessage.UNPICKLABLE:
                    return WorkerOutcome.UNPICKLABLE, message[1]
                continue
            if not self.process.is_alive():
                return WorkerOutcome.DIED, self.death(stage)
            if timeout is not None and time.monotonic() - start > timeout:
                self.kill()
                return WorkerOutcome.TIMEOUT, stage

    def sample_memory(self) -> None:
        peak = _status_mb(self.process.pid, "VmHWM") if self.process is not None else None
        if peak is not None:
            self.peak_mb = peak

    def death(self, stage: str) -> str:
        self.process.join(5)
        code = self.process.exitcode
        peak = self.peak_mb
        self.kill()
        if code is not None and code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            cause = f"was killed by {name} (signal {-code})"
            if -code == signal.SIGKILL:
                cause += ", which the out-of-memory killer sends when memory runs out"
        else:
            cause = f"exited with status {code}"
        memory = f"; its peak memory was {peak:,.0f} MB" if peak is not None else ""
        return f"the probe's worker process {cause} {stage}{memory}"


def _exit_with_parent(parent: int) -> None:
    """A worker whose pytest was killed (CI cancelled, SIGKILL) must not run on, stuck in a probe."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _status_mb(pid: int, key: str) -> float | None:
    return proc_field_mb(Path(f"/proc/{pid}/status"), key)


# -- the child -------------------------------------------------------------------
def worker_main(conn: Any, path: list[str], environment: dict[str, str] | None = None) -> None:
    """Run probes sent over ``conn`` until it sends None; ``environment`` (thread pool sizes
    under xdist, see resources.py) is set before Keras is imported."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    sys.path[:] = path
    os.environ.update(environment or {})
    import cloudpickle

    from .keras_adapter import load
    from .runner import run_probe

    load()  # Keras imported while the parent is still collecting or running other tests
    gc.freeze()  # Keras's objects live as long as the worker: the collection after each probe skips them
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            os._exit(0)
        if payload == STOP:
            # nothing to flush: skip TensorFlow's teardown (about a second the run would wait on)
            os._exit(0)
        try:
            task = cloudpickle.loads(payload)
            conn.send((WorkerMessage.STARTED.value,))  # the probe's limit counts from here, not the start-up
            source = task.source()
        except BaseException as exc:  # the parent runs it in-process instead
            conn.send((WorkerMessage.UNPICKLABLE.value, f"{type(exc).__name__}: {exc}"))
            continue

        def progress(sequences: int, accuracy: float | None) -> None:
            conn.send((WorkerMessage.PROGRESS.value, sequences, accuracy))

        result = run_probe(source, task.spec, task.seed, task.label, progress, task.profile)
        conn.send((WorkerMessage.RESULT.value, pickle.dumps(result), _status_mb(os.getpid(), "VmRSS")))
