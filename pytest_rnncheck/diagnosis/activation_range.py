"""``activation-range``: the output activation cannot produce the probe's targets (static), or
the values the user's y asks it to regress (data)."""

from __future__ import annotations

import numpy as np

from ..encoding import SCALAR_ENCODINGS, decode, scalar_value
from ..geometry import RECURRENT, Geometry
from ..plan import ProbePlan
from ..spec import ProbeSpec
from .codes import Code, Severity
from .evidence import Evidence, proven
from .loss_fit import REGRESSION_LOSSES, canonical
from .pathology import Pathology
from .ranges import activation_range, describe


def target_symbols(spec: ProbeSpec, plan: ProbePlan) -> np.ndarray:
    return np.arange(2 if spec.binary else plan.vocab)


def scalar_targets(plan: ProbePlan, geometry: Geometry) -> bool:
    """Targets are compared as scalars: a width-1 output, or one Keras would broadcast to."""
    if plan.form == "scalar":
        return True
    return (
        plan.form is None
        and plan.encoding in SCALAR_ENCODINGS
        and geometry.output_width not in (plan.vocab, plan.model_vocab)
    )


def reachable_symbols(plan: ProbePlan, span: tuple[float, float], symbols: np.ndarray) -> np.ndarray:
    """Symbols that some output value inside ``span`` decodes to."""
    low, high = span
    probes = np.concatenate(
        [scalar_value(plan.encoding, symbols, plan.vocab).astype(float), [low, high]]
    )
    inside = np.clip(probes, np.nextafter(low, high), np.nextafter(high, low))
    # Each symbol's decode cell meets the span iff the span's closest point to it decodes to it.
    got = decode("scalar", inside[:, None], plan.encoding, plan.vocab)
    return np.intersect1d(got, symbols)


def accepted(spec: ProbeSpec, geometry: Geometry, key: str, value: object) -> bool:
    """Would the probe with ``key=value`` fit this model, with targets its output can produce?"""
    from ..plan import FitError, plan_probe

    if getattr(spec, key) == value:
        return False
    try:
        changed = spec.replace(**{key: value})
        plan = plan_probe(changed, geometry)
    except (FitError, ValueError):
        return False
    return plan.form is not None and not unreachable_targets(Evidence(spec=changed, plan=plan, geometry=geometry))


def unreachable_targets(evidence: Evidence) -> list[Pathology]:
    """Static: the output activation's range against the values the probe's targets take."""
    spec, plan, geometry = evidence.spec, evidence.plan, evidence.geometry
    name = geometry.output_activation
    layer = geometry.output_layer or "output layer"
    recurrent = layer.split("(")[0] in RECURRENT
    where = f"{name} output of {layer}" if recurrent else f"{name} output"
    if name == "softmax" and geometry.output_width == 1:
        return [
            Pathology(
                Code.ACTIVATION_RANGE,
                Severity.ERROR,
                "softmax over a single unit always outputs 1.0, whatever the input",
                "use sigmoid or no activation for a one-unit output, or softmax over "
                f"{plan.vocab} units (one per symbol)",
                certain=True,
            )
        ]
    span = activation_range(name)
    if span is None or not scalar_targets(plan, geometry):
        return []
    symbols = target_symbols(spec, plan)
    reachable = reachable_symbols(plan, span, symbols)
    if reachable.size == symbols.size:
        return []
    values = scalar_value(plan.encoding, symbols, plan.vocab)
    ceiling = reachable.size / symbols.size
    message = (
        f"{where} spans {describe(span)}; targets span {values.min():g}..{values.max():g} "
        f"({plan.encoding} encoding of {symbols.size} symbols): only {reachable.size} of "
        f"{symbols.size} target values can be produced, so accuracy can be at most {ceiling:.2f}"
    )
    options = [
        f"{key}={value!r}"
        for key, value in (("encoding", "scaled"), ("vocab", 2))
        if spec.tunable and accepted(spec, geometry, key, value)
    ]
    fix = (
        "use a read-out that can reach the targets: Dense(1) with no activation, or "
        f"Dense({plan.vocab}, activation='softmax') with one-hot or Embedding inputs"
    )
    if options:  # only options the probe accepts for this model, and under which the targets fit
        fix = f"to probe the model as it is, set {' or '.join(options)} on the probe; or " + fix
    if recurrent:
        fix = f"add a read-out layer after {layer} (its {name} state is bounded); " + fix
    return [Pathology(Code.ACTIVATION_RANGE, Severity.ERROR, message, fix, certain=ceiling < spec.min_accuracy)]


def targets_out_of_range(evidence: Evidence) -> list[Pathology]:
    """Data: values to regress outside what the output activation can produce (a softmax or sigmoid
    asked for audio samples, a tanh for prices): no weights reach them."""
    summary, geometry = evidence.summary, evidence.geometry
    if summary is None or Code.ACTIVATION_RANGE in proven(evidence):
        return []
    loss = canonical(geometry.loss).replace("_", "")
    regression = loss in REGRESSION_LOSSES or (not loss and not summary.y_integer)
    span = activation_range(geometry.output_activation)
    if not regression or span is None or summary.y_onehot:
        return []
    low, high = summary.y_range
    if span[0] <= low and high <= span[1]:
        return []
    name, layer = geometry.output_activation, geometry.output_layer or "the output layer"
    return [
        Pathology(
            Code.ACTIVATION_RANGE,
            Severity.ERROR,
            f"the {name} output of {layer} spans {describe(span)}, but y spans {low:g}..{high:g}: "
            f"the targets outside that range cannot be produced by any weights",
            f"use a linear output (activation=None) for values, or scale y into {describe(span)} and back",
            certain=True,
        )
    ]
