"""``length-generalization``: a probe passed at the window it trained on (T steps) and not at
``extrapolate`` times it. Pure: reads what length.py measured (the blocks by position, the
error of a model that could not run at m·T, the Embedding tables shorter than m·T)."""

from __future__ import annotations

from typing import Any

from ..length import breaks_at
from .pathology import ERROR, Pathology


def _blocks(buckets: list[dict[str, Any]]) -> str:
    return ", ".join(f"steps {b['steps'][0]}-{b['steps'][1]} {b['accuracy']:.3f}" for b in buckets)


def short_tables(tables: list[tuple[str, int]], steps: int) -> str:
    if not tables:
        return ""
    names = ", ".join(f"Embedding '{name}' has {rows} rows" for name, rows in tables)
    return (f"; {names}, fewer than the {steps} steps judged: if it is a table of positions, steps past its rows "
            f"have no entry of their own")


def length_finding(spec: Any, longer: dict[str, Any], verdict: Any) -> Pathology:
    """``length-generalization``: passed at the window it trained on, not at ``extrapolate`` times it."""
    trained, steps, at_trained = longer["trained_timesteps"], longer["timesteps"], longer["at_trained"]
    head = (f"{spec.one_seed().replace(extrapolate=None).name} passes at the {trained} steps it trained on "
            f"(accuracy {at_trained.accuracy:.3f}) but not at {steps}")
    tables = short_tables(longer["tables"], steps)
    if longer.get("error"):
        message = f"{head}: running it at {steps} steps failed inside Keras ({longer['error']}){tables}"
        fix = (f"give every position table at least {steps} rows and train at that length (timesteps={steps}), or use "
               f"positions that need no table (a recurrent layer, relative or sinusoidal positions)")
        return Pathology("length-generalization", ERROR, message, fix)
    where = breaks_at(longer["buckets"], spec.min_accuracy)
    if len(longer["buckets"]) > 1:
        place = f"; by position: {_blocks(longer['buckets'])}" + (
            f": it breaks at steps {where[0]}-{where[1]}" if where else ""
        )
    else:
        place = "; it answers at the last step only, so there is no curve by position"
    message = (f"{head}: accuracy {verdict.accuracy:.3f} (lower confidence bound {verdict.lower:.3f}) < "
               f"{spec.min_accuracy:.2f}{place}{tables}")
    fix = (f"train on windows as long as it must handle (timesteps={steps}), or use a layer whose computation does not "
           f"depend on the absolute position (a recurrent layer; attention with relative positions)")
    return Pathology("length-generalization", ERROR, message, fix)
