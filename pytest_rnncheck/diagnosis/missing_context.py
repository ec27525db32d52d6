"""``missing-context``: the model cannot see or carry the past the probe needs."""

from __future__ import annotations

from ..geometry import Geometry
from ..plan import ProbePlan
from ..reach import ReachMap, describe_reach
from ..spec import ProbeSpec
from .pathology import ERROR, Pathology


def window_fix(spec: ProbeSpec) -> str:
    need = spec.n + 1
    return (
        f"feed at least {need} timesteps per sample so x[t-{spec.n}] is inside the window the "
        f"gradient flows through, e.g. windows = numpy.lib.stride_tricks.sliding_window_view"
        f"(series, {need}, axis=0) with keras.Input(({need}, features)) or keras.Input((None, features))"
    )


def diagnose_missing_context(
    spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, reach: ReachMap | None = None
) -> list[Pathology]:
    """From the configuration: a window too short, a stateful model trained step by step, and
    (only where the reach could not be measured) no layer that mixes time."""
    if spec.lag == 0:
        return []
    found = []
    if reach is None and geometry.mixes_time is False:
        kinds = ", ".join(dict.fromkeys(layer.kind for layer in geometry.layers))
        found.append(
            Pathology(
                "missing-context",
                ERROR,
                f"no layer mixes information across time ({kinds} each act on one step alone), so "
                f"the output at step t sees only x[t]; {spec.name} needs x[t-{spec.n}]",
                f"put a layer that carries the past before the read-out: LSTM/GRU/SimpleRNN, "
                f"Conv1D(kernel_size >= {spec.n + 1}, padding='causal'), or attention",
                certain=True,
            )
        )
    if plan.timesteps <= spec.n:
        steps = f"{plan.timesteps} timestep{'s' if plan.timesteps > 1 else ''}"
        if plan.stateful:
            found.append(
                Pathology(
                    "missing-context",
                    ERROR,
                    f"stateful model trained {steps} per batch on {spec.name}: the state carries "
                    f"x[t-{spec.n}] forward, but gradients stop at every batch boundary (Keras carries "
                    f"state from sample i to sample i of the next batch, never back-propagates into "
                    f"it), so nothing teaches the model to keep the past",
                    window_fix(spec) + "; keep stateful=True for step-by-step inference only",
                )
            )
        else:
            found.append(
                Pathology(
                    "missing-context",
                    ERROR,
                    f"each sample holds {steps}, but {spec.name} needs x[t-{spec.n}]: "
                    f"{spec.n + 1} steps in one sample; the target is never inside the window",
                    window_fix(spec),
                    certain=True,
                )
            )
    return found


def diagnose_reach(spec: ProbeSpec, plan: ProbePlan, geometry: Geometry, reach: ReachMap | None) -> list[Pathology]:
    """Proven from the measured reach: too few scored outputs can see x[t-n] to pass."""
    if spec.lag == 0 or reach is None or plan.timesteps <= spec.n:
        return []
    chance = plan.chance
    ceiling, seen, scored = reach.lag_ceiling(spec.n, chance)
    if scored == 0 or ceiling >= spec.min_accuracy:
        return []
    field = reach.receptive_field()
    return [
        Pathology(
            "missing-context",
            ERROR,
            f"the output at t depends on {describe_reach(reach)} (measured by changing one input step at a "
            f"time on {reach.initialisations} fresh initialisation(s)); {spec.name} needs x[t-{spec.n}]: "
            f"{seen} of {scored} scored outputs can see it, so accuracy can be at most {ceiling:.2f}",
            f"let the output see at least {spec.n + 1} steps (it sees {field}): stack or dilate causal "
            f"convolutions until kernel sizes x dilations cover {spec.n + 1} steps, or add a recurrent layer "
            f"or attention over the whole window; check that nothing crops or pools the sequence first",
            certain=True,
        )
    ]
