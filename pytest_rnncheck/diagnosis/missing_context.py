"""``missing-context``: the model cannot see or carry the past the probe needs."""

from __future__ import annotations

from ..geometry import Geometry
from ..plan import ProbePlan
from ..spec import ProbeSpec
from .pathology import ERROR, Pathology


def window_fix(spec: ProbeSpec) -> str:
    need = spec.n + 1
    return (
        f"feed at least {need} timesteps per sample so x[t-{spec.n}] is inside the window the "
        f"gradient flows through, e.g. windows = numpy.lib.stride_tricks.sliding_window_view"
        f"(series, {need}, axis=0) with keras.Input(({need}, features)) or keras.Input((None, features))"
    )


def diagnose_missing_context(spec: ProbeSpec, plan: ProbePlan, geometry: Geometry) -> list[Pathology]:
    if spec.n == 0:
        return []
    found = []
    if geometry.mixes_time is False:
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


def diagnose_control(
    spec: ProbeSpec, plan: ProbePlan, echo_accuracy: float, echo_passed: bool, accuracy: float
) -> list[Pathology]:
    """Dynamic: the echo() control passed where the lag failed."""
    if spec.n == 0 or not echo_passed:
        return []
    if plan.timesteps > spec.n:
        fix = (
            f"each sample already holds {plan.timesteps} steps, so the past is in view but the model did "
            f"not learn to keep it: give the recurrent layers more units, raise the budget "
            f"(budget={spec.budget * 2}), or check that stacked recurrent layers pass the whole "
            f"sequence on (return_sequences=True) and nothing in front of them drops steps"
        )
    else:
        fix = window_fix(spec)
    return [
        Pathology(
            "missing-context",
            ERROR,
            f"control run: echo() passes (accuracy {echo_accuracy:.3f}) but {spec.name} does not "
            f"({accuracy:.3f}): it can echo the present but not the past",
            fix,
        )
    ]
