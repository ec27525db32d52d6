"""``future-leak``: the output at step t depends on inputs after t (measured)."""

from __future__ import annotations

from ..geometry import ATTENTION, CONVOLUTIONS, Geometry
from .codes import Code, Severity
from .evidence import Evidence
from .pathology import Pathology


def suspects(geometry: Geometry) -> list[tuple[str, str]]:
    """Layers whose configuration shows a look ahead, with the fix for each."""
    found = []
    for layer in geometry.layers:
        base = layer.kind.split("(")[0]
        if base == "Bidirectional":
            found.append((layer.kind, f"drop the backward half: use the {layer.kind[len('Bidirectional('):-1]} alone"))
        elif base in CONVOLUTIONS and layer.padding == "same":
            found.append((f"{base}(padding='same')", f"use {base}(..., padding='causal')"))
        elif base in ATTENTION:
            found.append((base, f"call {base} with use_causal_mask=True (or pass a causal attention mask)"))
    return found


def reads_ahead(evidence: Evidence) -> list[Pathology]:
    """Static, from the measured reach: outputs that move when a later input changes."""
    spec, plan, geometry, reach = evidence.spec, evidence.plan, evidence.geometry, evidence.reach
    if reach is None or not plan.many_to_many or plan.output_offset:
        return []  # an output aligned to the end of the input (seq2seq) is read after all of it
    pairs = reach.future_steps()
    if not pairs:
        return []
    t, s = pairs[0]
    ahead = max(s - t for t, s in pairs)
    outputs = len({t for t, _ in pairs})
    layers = suspects(geometry)
    where = (
        "the configuration points at " + ", ".join(name for name, _ in layers)
        if layers
        else "no layer's configuration shows which (a custom layer or a Lambda?)"
    )
    message = (
        f"the output at step t depends on inputs after t: {outputs} of {reach.depends.shape[0]} output steps "
        f"move when a later input changes (the output at {t} moves when x[{s}] changes; up to {ahead} "
        f"step{'s' if ahead > 1 else ''} ahead), measured by changing one input step at a time on "
        f"{reach.initialisations} fresh initialisation(s); {where}. A forecaster or streaming model "
        f"will not have those inputs at inference time"
    )
    fix = (
        "; ".join(f for _, f in layers)
        if layers
        else "make every layer causal: each output step may read only steps up to its own"
    )
    if not spec.causal:
        fix += " (or, if looking ahead is intended, ignore this warning; causal=True on the probe makes it an error)"
    severity = Severity.ERROR if spec.causal else Severity.WARNING
    return [Pathology(Code.FUTURE_LEAK, severity, message, fix, certain=spec.causal)]
