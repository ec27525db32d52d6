"""Reach analysis: which input steps each scored output step depends on.

Measured, not read off layer names: on a fresh, untrained copy of the model,
one input step at a time is replaced by another random symbol and the change
of every output step is recorded (forward passes only, no training). Whatever
the layers are -- recurrent, convolutions of any padding and dilation, pooling,
attention with or without a causal mask, custom layers -- the output at t
depends on x[s] exactly when some such change moves it.

An output that does not depend on an input is computed from the very same
numbers whether that input changes or not, so its difference is exactly zero;
a real dependence on fresh random weights is not. A dependence is therefore
counted when the change exceeds a tiny share of the largest change seen
(``NOISE``), which only absorbs floating-point noise.

Pure numpy: the model is reached through a ``forward`` callable
(encoded inputs in, outputs out), so the analysis is tested on plain functions.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

#: A change below this share of the largest change is floating-point noise, not a dependence.
NOISE = 1e-6
#: Reordering that moves the outputs less than this share of a real change moves them not at all
#: (sums taken in another order differ in the last bits).
ORDER_NOISE = 1e-4
#: Base sequences each input step is perturbed in.
BASES = 4

Forward = Callable[[np.ndarray], np.ndarray]


@dataclasses.dataclass(frozen=True)
class ReachMap:
    """``depends[t, s]``: the output at step t moves when input step s changes.

    For a many-to-one model there is one output row, standing at the last input step.
    """

    depends: np.ndarray  # bool (output steps, input steps)
    strength: np.ndarray  # float, the largest change seen
    output_steps: np.ndarray  # the input step each output row stands at
    initialisations: int
    #: Reordering the input steps leaves the outputs as they were (reordered alike, per step):
    #: the model cannot tell which step came when.
    order_blind: bool = False

    @property
    def timesteps(self) -> int:
        return int(self.depends.shape[1])

    def receptive_field(self) -> int:
        """How many steps, the present included, the outputs see: 1 + the farthest step back reached
        by every output far enough from the start to have it (the structural memory limit)."""
        farthest = []
        for row, t in enumerate(self.output_steps):
            past = [t - s for s in np.flatnonzero(self.depends[row]) if s <= t]
            if past:
                farthest.append(int(max(past)))
        if not farthest:
            return 0
        deepest = max(farthest)
        # outputs near the start cannot see further than the start: judge by the ones that could
        full = [f for f, t in zip(farthest, self.output_steps) if t >= deepest]
        return int(1 + (min(full) if full else deepest))

    def future_steps(self, scored: np.ndarray | None = None) -> list[tuple[int, int]]:
        """(t, s) pairs with s > t that the output at t depends on."""
        pairs = []
        for row, t in enumerate(self.output_steps):
            if scored is not None and not scored[row]:
                continue
            for s in np.flatnonzero(self.depends[row]):
                if s > t:
                    pairs.append((int(t), int(s)))
        return pairs

    def lag_ceiling(self, lag: int, chance: float, scored_rows: np.ndarray | None = None) -> tuple[float, int, int]:
        """Best accuracy possible on lag(n): reachable scored steps right, the rest at chance.

        Returns (ceiling, scored outputs that reach x[t-n], scored outputs).
        """
        rows = [row for row, t in enumerate(self.output_steps) if t >= lag]
        if scored_rows is not None:
            rows = [row for row in rows if scored_rows[row]]
        if not rows:
            return 1.0, 0, 0
        reach = sum(bool(self.depends[row, self.output_steps[row] - lag]) for row in rows)
        ceiling = (reach + (len(rows) - reach) * chance) / len(rows)
        return ceiling, reach, len(rows)


def perturbations(base: np.ndarray, vocab: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Each base sequence once as it is, then once per step with that step changed: another
    symbol, or (``vocab == 0``: real-valued steps shaped (timesteps, features)) new values.

    Returns the rows, shaped (bases * (1 + timesteps), timesteps, ...) and, per row, the step
    changed (-1 for the unchanged base).
    """
    bases, timesteps = base.shape[:2]
    rows, changed = [], []
    for b in range(bases):
        rows.append(base[b])
        changed.append(-1)
        for s in range(timesteps):
            row = base[b].copy()
            if vocab:
                row[s] = (row[s] + rng.integers(1, vocab)) % vocab  # always a different symbol
            else:
                row[s] = rng.standard_normal(row.shape[1:])
            rows.append(row)
            changed.append(s)
    return np.stack(rows), np.asarray(changed)


class UnmeasurableReach(ValueError):
    """The forward passes cannot show the reach (non-finite outputs); no reach finding then."""


def measure(
    forwards: list[Forward],
    encode: Callable[[np.ndarray], np.ndarray],
    vocab: int,
    timesteps: int,
    rng: np.random.Generator,
    bases: int = BASES,
    features: int | None = None,
) -> ReachMap:
    """Perturb every input step of ``bases`` random sequences under each initialisation in ``forwards``.

    ``vocab`` symbols per step; or ``vocab=0`` and ``features`` real values per step. Raises
    UnmeasurableReach when an output is NaN or infinite.
    """
    strength = np.zeros((1, timesteps))
    many_to_many = False
    reordered = 0.0
    for forward in forwards:
        if vocab:
            base = rng.integers(0, vocab, size=(bases, timesteps))
        else:
            base = rng.standard_normal((bases, timesteps, features or 1))
        symbols, changed = perturbations(base, vocab, rng)
        orders = np.stack([rng.permutation(timesteps) for _ in range(bases)])
        shuffled = base[np.arange(bases)[:, None], orders]
        everything = np.asarray(forward(encode(np.concatenate([symbols, shuffled]))), dtype="float64")
        if not np.isfinite(everything).all():
            # NaN or infinite outputs on fresh weights show no dependence either way: claiming
            # "sees nothing" (missing-context) or "sees the future" from them would be a guess
            raise UnmeasurableReach("the model's outputs on fresh weights are not finite")
        out, out_shuffled = everything[: len(symbols)], everything[len(symbols) :]
        many_to_many = out.ndim == 3
        out = out.reshape(out.shape[0], out.shape[1] if many_to_many else 1, -1)  # (rows, out steps, width)
        out_shuffled = out_shuffled.reshape(bases, out.shape[1], -1)
        per_base = out.reshape(bases, 1 + timesteps, out.shape[1], out.shape[2])
        expected = per_base[:, 0]
        if many_to_many and out.shape[1] == timesteps:  # per-step outputs reorder with the steps
            expected = np.take_along_axis(expected, orders[:, :, None], axis=1)
        reordered = max(reordered, float(np.abs(out_shuffled - expected).max()))
        change = np.abs(per_base[:, 1:] - per_base[:, :1]).max(axis=(0, 3))  # (input steps, out steps)
        change = change.T
        if strength.shape != change.shape:
            strength = np.zeros_like(change)
        strength = np.maximum(strength, change)
    top = float(strength.max()) if strength.size else 0.0
    depends = strength > NOISE * top if top > 0 else np.zeros_like(strength, dtype=bool)
    output_steps = np.arange(timesteps) if many_to_many else np.asarray([timesteps - 1])
    if many_to_many and depends.shape[0] != timesteps:  # output steps differ from input steps: align ends
        output_steps = np.arange(timesteps - depends.shape[0], timesteps)
    blind = top > 0 and reordered <= ORDER_NOISE * top
    return ReachMap(depends, strength, output_steps, len(forwards), order_blind=bool(blind))


def describe_reach(reach: ReachMap) -> str:
    """``x[t-2..t]`` style: what the outputs see, for messages."""
    field = reach.receptive_field()
    if field <= 0:
        return "no input step at or before t"
    if field == 1:
        return "x[t] only"
    return f"x[t-{field - 1}..t] only"


def order_blind_ceiling(lag: int, vocab: int, timesteps: int, rng: np.random.Generator, draws: int = 4000) -> float:
    """Best accuracy on lag(n) of a model that sees the steps as an unordered bag: it can do no
    better than name the most frequent symbol of the window (simulated)."""
    symbols = rng.integers(0, vocab, size=(draws, timesteps))
    counts = np.stack([(symbols == s).sum(axis=1) for s in range(vocab)], axis=1)
    mode = counts.argmax(axis=1)
    return float(np.mean(symbols[:, timesteps - 1 - lag] == mode))
