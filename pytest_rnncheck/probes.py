"""Probe data: random symbol streams, the targets a probe asks for, and which
steps are scored. Pure numpy; no Keras here.

Layout. Symbols are drawn as ``streams`` independent rows of ``chunks *
timesteps`` symbols and cut into ``chunks`` consecutive windows of
``timesteps``. A stateless model sees one window per stream (``chunks=1``); a
stateful model with a fixed batch sees the windows of ``batch`` streams in
order, so the state it carries from sample i to sample i of the next batch
belongs to the same stream -- the most favourable honest layout for it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from .kinds import KINDS
from .spec import ProbeSpec


@dataclasses.dataclass(frozen=True)
class ProbeData:
    """Windows of a probe: arrays shaped ``(chunks, streams, timesteps)``."""

    symbols: np.ndarray
    targets: np.ndarray
    scored: np.ndarray

    @property
    def streams(self) -> int:
        return self.symbols.shape[1]


def target_stream(spec: ProbeSpec, stream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Targets along the last axis of ``stream`` and where they are defined.

    Each kind's target function (kinds.py) along the last axis; steps t < n have no
    target and are never scored.
    """
    n = spec.n
    targets = KINDS[spec.kind].target(stream, n)
    defined = np.zeros(stream.shape, dtype=bool)
    defined[..., n:] = True
    return targets, defined


def draw(
    spec: ProbeSpec,
    rng: np.random.Generator,
    vocab: int,
    streams: int,
    timesteps: int,
    chunks: int = 1,
) -> ProbeData:
    """Draw fresh, uniformly random symbols and their probe targets; a structured kind
    (kinds.py) draws each window whole."""
    kind = KINDS[spec.kind]
    if kind.episode is not None:
        symbols, targets, scored = kind.episode(rng, vocab, chunks * streams, timesteps, spec.n)
        shape = (chunks, streams, timesteps)
        return ProbeData(symbols.reshape(shape), targets.reshape(shape), scored.reshape(shape))
    length = chunks * timesteps
    stream = rng.integers(0, vocab, size=(streams, length))
    targets, defined = target_stream(spec, stream)

    def windows(a: np.ndarray) -> np.ndarray:
        return a.reshape(streams, chunks, timesteps).transpose(1, 0, 2)

    return ProbeData(windows(stream), windows(targets), windows(defined))


def draw_values(
    spec: ProbeSpec, rng: np.random.Generator, features: int, streams: int, timesteps: int, chunks: int = 1
) -> ProbeData:
    """Continuous probes: N(0, 1) values on every feature; the target is feature ``spec.feature``."""
    length = chunks * timesteps
    stream = rng.standard_normal((streams, length, features))
    targets, defined = target_stream(spec, stream[..., spec.feature])

    def windows(a: np.ndarray) -> np.ndarray:
        return a.reshape(streams, chunks, timesteps, *a.shape[2:]).swapaxes(0, 1)

    return ProbeData(windows(stream), windows(targets), windows(defined))


def last_step(data: ProbeData) -> ProbeData:
    """Keep only the last step of each window (a many-to-one model's target)."""
    return last_steps(data, 1)


def last_steps(data: ProbeData, count: int) -> ProbeData:
    """Keep the targets of the last ``count`` steps of each window (an output with fewer steps
    than the input, aligned to the end)."""
    return ProbeData(data.symbols, data.targets[..., -count:], data.scored[..., -count:])
