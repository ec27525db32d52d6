"""Findings that only follow from another, and the rules that stay silent then. Pure.

A head proven unable to express the target makes its output constant and, when no input step
changes it at all, the reach measured the head, not the layers before it. A masking collision
skips real steps, so there the reach shows how the masking behaves, not what the layers could
see: the collision is the cause to name.
"""

from __future__ import annotations

from collections.abc import Iterable

from .codes import Code
from .evidence import Evidence
from .pathology import Pathology

#: Proven errors of the read-out: what the output can express, whatever the layers before it learn.
HEAD_CODES = (Code.OUTPUT_SHAPE, Code.ACTIVATION_RANGE, Code.LOSS_MISMATCH)


def head_proven(found: Iterable[Pathology]) -> bool:
    """Some finding proves the head cannot express the target."""
    return any(p.certain and p.code in HEAD_CODES for p in found)


def reach_silenced(evidence: Evidence) -> bool:
    """The rules that read only the measured reach stay silent: a masking collision was found, or a
    proven head error under a reach that no input step changes."""
    if any(p.code == Code.MASKING_COLLISION for p in evidence.found):
        return True
    reach = evidence.reach
    return head_proven(evidence.found) and reach is not None and reach.receptive_field() <= 0
