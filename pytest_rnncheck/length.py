"""``extrapolate=m``: a model trained on windows of T steps, judged on windows of m·T. Pure numpy.

Training draws windows of T as always; the looks at the monitoring set and the final set are
drawn at m·T (same probe, same rule, same error budget), so training goes on until the long
window passes, plateaus or the budget ends (a model trained only to its first pass at T
sat at 0.91-0.94 over 64 steps with its 99% bound under 0.9, and passed once trained on).
A fresh final set at T, at the same z, gives the accuracy on the window it trained on.
Per position, the long window is cut into m blocks of T steps, each judged on its own: where
accuracy first falls under the threshold is where it stops generalizing (a many-to-one model
answers at the last step only: one block). A model that cannot run at m·T (a position table
with fewer rows) is judged at T and the error is the finding.

Measured by hand (Keras loop, Adam 0.02, 32 units, per-step outputs): LSTM and GRU trained at
T=8 on xor(2) scored 1.000 on every block of 32 steps and LSTM on lag(1) too; on lag(4) at
T=8 (four scored steps a window) both scored about 0.97 on steps 1-8 and 0.15-0.34 after,
even after 100,000 sequences, while LSTM trained at T=16 scored 0.997-0.999 on all 64.
"""

from __future__ import annotations

from typing import Any


from .encoding import Form
from .records import Extrapolation
from .verdict import judge, judge_values


def extrapolation_error(spec: Any, geometry: Any, plan: Any) -> str | None:
    """Why ``extrapolate=`` cannot work on this model, or None."""
    if not spec.extrapolate:
        return None
    steps = plan.timesteps * spec.extrapolate
    option = f"extrapolate={spec.extrapolate}"
    if geometry.timesteps is not None:
        return (
            f"{spec.name}: {option} judges the model at {steps} steps, but {geometry.name} takes exactly "
            f"{geometry.timesteps} (its input is declared with that length): declare keras.Input((None, features)) "
            f"(or (None,) for token ids) so it accepts longer windows, or drop {option}"
        )
    if plan.stateful:
        return (
            f"{spec.name}: {option} needs a stateless model (a stateful one carries its state across windows): "
            f"drop {option}"
        )
    if plan.output_offset:
        return (
            f"{spec.name}: {option} needs an output per input step or one per sequence, "
            f"not a fixed number of output steps"
        )
    return None


def keras_error(exc: BaseException) -> str:
    """The telling line of an error raised inside Keras (TensorFlow puts it after a generic one)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    telling = next((line for line in lines if "indices" in line or "out of range" in line or "not in [" in line), None)
    return f"{type(exc).__name__}: {telling or (lines[0] if lines else '')}"[:300]


def short_tables_of(layers: list[Any], steps: int) -> list[tuple[str, int]]:
    """Embedding layers (anywhere in the model) with fewer rows than ``steps``: where a table of
    positions would end."""
    return [(lay.name, int(lay.input_dim)) for lay in layers
            if type(lay).__name__ == "Embedding" and int(getattr(lay, "input_dim", steps)) < steps]


def failed_by_length(longer: dict[str, Any], verdict: Any, threshold: float) -> bool:
    """Passed at T, failed at m x T, and the failure is the length's: the model could not run at
    m x T, answers only at the end, or a block after the first falls under the threshold."""
    if longer.get("error"):  # judged at T instead: whatever it showed there, m x T did not run
        return bool(longer["at_trained"].passed)
    if verdict.passed or not longer["at_trained"].passed:
        return False
    if len(longer["buckets"]) <= 1:
        return True
    return breaks_at(longer["buckets"][1:], threshold) is not None


def position_buckets(
    held: Any, trained: int, form: str, tolerance: float, threshold: float, window: int
) -> list[dict[str, Any]]:
    """Accuracy per block of ``trained`` steps of the ``window`` judged: [{"steps": [first, last], "accuracy"}]."""
    columns = held.predicted.shape[1]
    if columns == 1:  # many-to-one: the last step only
        blocks = [(0, 1, columns)]
    else:
        blocks = [(start, min(start + trained, columns), None) for start in range(0, columns, trained)]
    out = []
    for start, stop, _ in blocks:
        scored = held.scored[:, start:stop]
        if not scored.any():
            continue
        if form == Form.VALUE:
            verdict = judge_values(
                held.values[:, start:stop], held.targets[:, start:stop], scored, tolerance, threshold
            )
        else:
            verdict = judge(held.predicted[:, start:stop], held.targets[:, start:stop], scored, threshold)
        first, last = (window, window) if columns == 1 else (start + 1, stop)
        out.append({"steps": [first, last], "accuracy": round(float(verdict.accuracy), 4)})
    return out


def breaks_at(buckets: list[dict[str, Any]], threshold: float) -> list[int] | None:
    """The first block of steps whose accuracy is under the threshold."""
    return next((b["steps"] for b in buckets if b["accuracy"] < threshold), None)


def extrapolation_record(spec: Any, verdict: Any, longer: dict[str, Any]) -> Extrapolation:
    """extrapolate=m: what the report keeps of both windows."""
    at_trained = longer["at_trained"]
    return Extrapolation(
        timesteps=longer["timesteps"], trained_timesteps=longer["trained_timesteps"],
        judged_timesteps=longer["trained_timesteps"] if longer.get("error") else longer["timesteps"],
        passed=verdict.passed and not longer.get("error"), accuracy=verdict.accuracy, lower_bound=verdict.lower,
        accuracy_at_trained=at_trained.accuracy, lower_bound_at_trained=at_trained.lower,
        passed_at_trained=at_trained.passed, buckets=tuple(longer["buckets"]),
        breaks_at=breaks_at(longer["buckets"], spec.min_accuracy), error=longer.get("error"),
    )
