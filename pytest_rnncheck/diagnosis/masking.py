"""``masking-collision``: a Masking value equals a real input step, so data is masked as padding."""

from __future__ import annotations

import numpy as np

from ..encoding import encode
from .codes import Code, Severity
from .evidence import Evidence
from .pathology import Pathology


def mask_hits_real_steps(evidence: Evidence) -> list[Pathology]:
    """Static: a Masking value, or Embedding(mask_zero=True)'s token 0, equal to a real encoded step."""
    spec, plan, geometry = evidence.spec, evidence.plan, evidence.geometry
    symbols = np.arange(2 if spec.binary else plan.vocab)
    found = []
    if plan.encoding == "index":  # Embedding(mask_zero=True): token 0 is padding
        for layer in geometry.layers:
            if layer.kind == "Embedding" and layer.mask_value == 0.0:
                found.append(
                    Pathology(
                        Code.MASKING_COLLISION,
                        Severity.ERROR,
                        f"Embedding '{layer.name}' has mask_zero=True, so token 0 is padding, but 0 is one of the "
                        f"{len(symbols)} real symbols: about {1 / len(symbols):.0%} of real steps are skipped",
                        "drop mask_zero=True, or shift the real tokens to start at 1 (Embedding(vocab + 1, d)) and "
                        "keep 0 for padding",
                    )
                )
        return found
    maskers = [layer for layer in geometry.layers if layer.kind == "Masking" and layer.mask_value is not None]
    if not maskers or plan.encoding == "continuous":  # real values never equal it exactly
        return []
    steps = encode(plan.encoding, symbols, plan.model_vocab).reshape(len(symbols), -1)
    for layer in maskers:
        hit = [int(s) for s, step in zip(symbols, steps) if np.all(step == layer.mask_value)]
        if not hit:
            continue
        share = len(hit) / len(symbols)
        found.append(
            Pathology(
                Code.MASKING_COLLISION,
                Severity.ERROR,
                f"Masking(mask_value={layer.mask_value:g}) equals the encoded step of symbol"
                f"{'s' if len(hit) > 1 else ''} {', '.join(map(str, hit[:5]))} ({plan.encoding} encoding): about "
                f"{share:.0%} of real input steps are skipped as padding, so the model never sees them",
                "pick a mask_value no real step takes (e.g. Masking(mask_value=-1.0) and pad with -1.0), or shift "
                "or one-hot encode the data so a real step never equals the padding value",
            )
        )
    return found
