"""``missing-context``: the model cannot see or carry the past the probe needs."""

from __future__ import annotations

from ..geometry import Geometry
from ..plan import ProbePlan
from ..reach import describe_reach
from ..spec import ProbeSpec
from .codes import Code, Severity
from .consequences import reach_silenced
from .evidence import Evidence
from .pathology import Pathology


def window_fix(spec: ProbeSpec) -> str:
    need = spec.n + 1
    return (
        f"feed at least {need} timesteps per sample so x[t-{spec.n}] is inside the window the "
        f"gradient flows through, e.g. windows = numpy.lib.stride_tricks.sliding_window_view"
        f"(series, {need}, axis=0) with keras.Input(({need}, features)) or keras.Input((None, features))"
    )


def window_or_mixing(evidence: Evidence) -> list[Pathology]:
    """Static, from the configuration: a window too short (for a stateless model), and (only where
    the reach could not be measured) no layer that mixes time."""
    spec, plan, geometry, reach = evidence.spec, evidence.plan, evidence.geometry, evidence.reach
    if spec.lag == 0:
        return []
    found = []
    if reach is None and geometry.mixes_time is False:
        kinds = ", ".join(dict.fromkeys(layer.kind for layer in geometry.layers))
        found.append(
            Pathology(
                Code.MISSING_CONTEXT,
                Severity.ERROR,
                f"no layer mixes information across time ({kinds} each act on one step alone), so "
                f"the output at step t sees only x[t]; {spec.name} needs x[t-{spec.n}]",
                f"put a layer that carries the past before the read-out: LSTM/GRU/SimpleRNN, "
                f"Conv1D(kernel_size >= {spec.n + 1}, padding='causal'), or attention",
                certain=True,
            )
        )
    if plan.timesteps <= spec.n and not plan.stateful:  # a carried state may hold the past: stateful_suspect
        steps = f"{plan.timesteps} timestep{'s' if plan.timesteps > 1 else ''}"
        found.append(
            Pathology(
                Code.MISSING_CONTEXT,
                Severity.ERROR,
                f"each sample holds {steps}, but {spec.name} needs x[t-{spec.n}]: "
                f"{spec.n + 1} steps in one sample; the target is never inside the window",
                window_fix(spec),
                certain=True,
            )
        )
    return found


def stateful_short_window(spec: ProbeSpec, plan: ProbePlan) -> bool:
    """A stateful model fed fewer steps per batch than the lag needs: its carried state may hold the past."""
    return bool(spec.lag) and plan.stateful and plan.timesteps <= spec.n


def stateful_suspect(spec: ProbeSpec, plan: ProbePlan) -> list[Pathology]:
    """A stateful model trained on fewer steps per batch than the lag: a suspect, never a proof.

    Keras carries the state from sample i to sample i of the next batch but never
    back-propagates into it, so the weights get no gradient from x[t-n]. Some such models
    learn the lag anyway (a plain ``train_on_batch`` loop takes a stateful GRU(32) fed one step
    per batch to 1.000 on lag(1) at Adam(1e-3)), so this only says what may go wrong. A probe
    settles it with a control run (the same model stateless on n+1-step windows; see
    training_causes.suspects); ``diagnose()``, which has no such control, reports this warning.
    """
    if not stateful_short_window(spec, plan):
        return []
    steps = f"{plan.timesteps} timestep{'s' if plan.timesteps > 1 else ''}"
    return [
        Pathology(
            Code.MISSING_CONTEXT,
            Severity.WARNING,
            f"stateful model trained {steps} per batch with a target {spec.n} step(s) back: the state carries "
            f"x[t-{spec.n}] forward, but gradients stop at every batch boundary (Keras never back-propagates "
            f"into the carried state), so training may not teach the model to keep the past; some such models "
            f"learn it anyway, and a probe (rnncheck.lag({spec.n})) runs the control run that shows which",
            window_fix(spec) + "; keep stateful=True for step-by-step inference only",
        )
    ]


def stateful_window(evidence: Evidence) -> list[Pathology]:
    """Data: the user's stateful model fed fewer steps per batch than the lag (``stateful_suspect``)."""
    if evidence.spec is None or evidence.plan is None:
        return []
    return stateful_suspect(evidence.spec, evidence.plan)


def reach_too_short(evidence: Evidence) -> list[Pathology]:
    """Reach: proven from the measured reach, too few scored outputs can see x[t-n] to pass."""
    spec, plan, geometry, reach = evidence.spec, evidence.plan, evidence.geometry, evidence.reach
    if reach_silenced(evidence):
        return []
    if spec.lag == 0 or reach is None or plan.timesteps <= spec.n:
        return []
    chance = plan.chance
    ceiling, seen, scored = reach.lag_ceiling(spec.n, chance)
    if scored == 0 or ceiling >= spec.min_accuracy:
        return []
    field = reach.receptive_field()
    return [
        Pathology(
            Code.MISSING_CONTEXT,
            Severity.ERROR,
            f"the output at t depends on {describe_reach(reach)} (measured by changing one input step at a "
            f"time on {reach.initialisations} fresh initialisation(s)); {spec.name} needs x[t-{spec.n}]: "
            f"{seen} of {scored} scored outputs can see it, so accuracy can be at most {ceiling:.2f}",
            f"let the output see at least {spec.n + 1} steps (it sees {field}): " + reach_fix(spec, geometry),
            certain=True,
        )
    ]


def reach_fix(spec: ProbeSpec, geometry: Geometry) -> str:
    """What would widen the reach, naming only layers the model has (and what to add otherwise)."""
    kinds = {layer.kind for layer in geometry.layers}
    convs = sorted(kinds & {"Conv1D", "SeparableConv1D", "DepthwiseConv1D"})
    cuts = sorted(kinds & {
        "Cropping1D", "MaxPooling1D", "AveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling1D", "Lambda"
    })
    memory = sorted(kinds & {"LSTM", "GRU", "SimpleRNN", "Bidirectional", "MultiHeadAttention", "Attention"})
    parts = []
    if convs:
        parts.append(
            f"stack or dilate the {'/'.join(convs)} layers (padding='causal') until kernel sizes x dilations "
            f"cover {spec.n + 1} steps"
        )
    if cuts:
        parts.append(f"check what the {'/'.join(cuts)} layer(s) keep of the sequence")
    if memory:
        parts.append(f"check that the {'/'.join(memory)} layer's output over the whole window reaches the read-out")
    else:
        parts.append(
            f"{'or ' if parts else ''}add a recurrent layer (LSTM, GRU) or attention over the window "
            f"before the read-out"
        )
    return "; ".join(parts)
