"""``output-shape``: the output fits neither the probe's symbols nor a scalar (static), or the user's
targets per step against one output per sequence, or the other way round (data)."""

from __future__ import annotations

from ..encoding import n_bits
from .codes import Code, Severity
from .evidence import Evidence, proven
from .pathology import Pathology


def wrong_head(evidence: Evidence) -> list[Pathology]:
    """Static: the output's width or rank against what the probe's targets need."""
    spec, plan, geometry = evidence.spec, evidence.plan, evidence.geometry
    if plan.form is not None:
        return []
    rank, width = geometry.output_rank, geometry.output_width
    sequence = rank == 3
    values = plan.encoding == "continuous"  # real-valued targets (the user's data): no symbols to name
    widths = "1 (one value per target)" if values else f"{plan.vocab} (one unit per symbol) or 1 (a scalar)"
    if plan.encoding == "binary" and plan.vocab > 2:
        widths += f" or {n_bits(plan.vocab)} (one unit per bit)"
    if rank not in (2, 3):
        message = (
            f"output has rank {rank} (width {width}); {spec.name} reads (batch, width) for one target "
            f"per sample or (batch, timesteps, width) for a target per step"
        )
    elif sequence and geometry.output_timesteps is not None and geometry.output_timesteps > plan.timesteps:
        message = (
            f"output has {geometry.output_timesteps} steps but the input has only {plan.timesteps}; per-step "
            f"targets need at most one output per input step (fewer are aligned to the end)"
        )
    else:
        source = geometry.output_layer or "the last layer"
        message = (
            f"output width is {width} ({source}), but {spec.name} needs width {widths}; "
            f"Keras would broadcast the target across the {width} units and train without complaint"
        )
    head = "Conv1D(W, 1) or TimeDistributed(Dense(W))" if sequence else "Dense(W)"
    last = (geometry.output_layer or "").split("(")[0]
    if values:
        fix = f"end the model with one linear unit for the value: {head.replace('W', '1')} with no activation"
    elif last in ("Dense", "EinsumDense", "Conv1D", "TimeDistributed"):  # a head is there: fix its width
        fix = (
            f"give the last {geometry.output_layer} a width W = {plan.vocab} with softmax for classes, "
            f"or W = 1 for a scalar"
        )
    else:
        fix = (
            f"end the model with a read-out head of width W = {plan.vocab} with softmax for classes, "
            f"or W = 1 for a scalar: {head}"
        )
    if geometry.output_layer and geometry.output_layer.split("(")[0] in ("LSTM", "GRU", "SimpleRNN", "RNN"):
        fix += f"; the recurrent state of {geometry.output_layer} is memory, not a prediction"
    return [Pathology(Code.OUTPUT_SHAPE, Severity.ERROR, message, fix, certain=True)]


def per_step_mismatch(evidence: Evidence) -> list[Pathology]:
    """Data: y per step against one output per sequence, or the other way round: Keras broadcasts
    the one onto the other and trains without complaint."""
    summary, geometry = evidence.summary, evidence.geometry
    if summary is None or Code.OUTPUT_SHAPE in proven(evidence):
        return []
    if summary.y_per_step and geometry.output_rank == 2:
        message = (
            f"y has a target for each of the {summary.timesteps} steps but the model gives one output per "
            "sequence: Keras broadcasts that one output against every step's target and trains without complaint"
        )
        fix = (
            "return_sequences=True on the last recurrent layer and a per-step head, or keep one target per sequence "
            "(y[:, -1])"
        )
    elif not summary.y_per_step and geometry.output_rank == 3 and summary.timesteps > 1:
        message = (
            "the model gives an output at each of its steps but y has one target per sequence: Keras broadcasts the "
            "target across the steps, so every step is trained to predict what only the last one can know"
        )
        fix = (
            "return_sequences=False on the last recurrent layer (one output per sequence), or give y a target per step"
        )
    else:
        return []
    return [Pathology(Code.OUTPUT_SHAPE, Severity.ERROR, message, fix, certain=True)]
