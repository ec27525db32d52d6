"""``undertrained``: the honest outcome when training ended with no cause shown.

The past the probe needs reaches the output (measured), nothing in the
configuration or the training record explains the failure, and training
stopped -- at the budget, or after the flat phase had lasted longer than
healthy models of this lag need. The probe fails (CI must not pass it), but no
cause is invented: the finding says what was tried and what would settle it.
"""

from __future__ import annotations

from ..plan import ProbePlan
from ..run_profiles import RunProfile
from ..spec import ProbeSpec
from .codes import Code, Severity
from .evidence import Evidence
from .pathology import Pathology, has_error


def diagnose_undertrained(
    spec: ProbeSpec,
    plan: ProbePlan,
    accuracy: float,
    chance: float,
    sequences: int,
    stopped: str,
    still_learning: bool,
    attempts: int,
    reach_shown: bool | None,
    echo: tuple[float, bool] | None = None,
    profile: RunProfile | None = None,
) -> list[Pathology]:
    """``reach_shown``: x[t-n] measured to reach the output (None: not measurable);
    ``echo``: (accuracy, passed) of a control echo() run, when one was made;
    ``still_learning``: the learning curve was still rising when training stopped;
    ``profile``: the run profile when it is not the default one."""
    return no_cause_shown(
        Evidence(
            spec=spec, plan=plan, accuracy=accuracy, chance=chance, total_sequences=sequences, stopped=stopped,
            still_learning=still_learning, attempts=attempts, reach_shown=reach_shown, echo=echo, profile=profile,
        )
    )


def no_cause_shown(evidence: Evidence) -> list[Pathology]:
    """Dynamic: training stopped (``evidence.stopped``) and no finding before it is an error."""
    if evidence.stopped is None or has_error(list(evidence.found)):
        return []
    spec, accuracy, chance, sequences = evidence.spec, evidence.accuracy, evidence.chance, evidence.total_sequences
    stopped, still_learning, attempts = evidence.stopped, evidence.still_learning, evidence.attempts
    echo, reach_shown, profile = evidence.echo, evidence.reach_shown, evidence.profile
    if spec.lag > 0 and reach_shown is False:
        return []  # the reach rule proved it impossible: that is the cause
    parts = []
    if spec.lag > 0:
        parts.append(
            f"x[t-{spec.n}] reaches the output (measured on fresh weights)"
            if reach_shown
            else "whether x[t-n] reaches the output could not be measured (a stateful model)"
        )
    if echo is not None:
        parts.append(f"the control echo() {'passes' if echo[1] else 'fails too'} ({echo[0]:.3f})")
    if stopped == "budget":
        how = "it was still learning when the budget ran out" if still_learning else "the budget ran out"
    else:
        how = (
            f"learning had stalled, for longer than healthy models of this "
            f"{'probe' if spec.structured else 'lag'} need"
        )
    tried = f"{attempts} attempt{'s' if attempts > 1 else ''}" + (
        " at different learning rates" if attempts > 1 else ""
    )
    message = (
        f"{spec.name} reached {accuracy:.3f} (chance {chance:.3f}) after {sequences:,} sequences "
        f"({tried}), and {how}; {'; '.join(parts) + '; ' if parts else ''}no cause was shown"
    )
    if echo is not None and not echo[1]:
        fix = (
            "the model cannot learn even to echo the current input: check what stands between input and "
            "output (frozen layers, heavy Dropout, the loss and the output activation, the learning rate)"
        )
    elif still_learning or attempts == 1:
        fix = (
            f"give it more training to settle it: budget={2 * sequences // attempts}"
            + ("" if still_learning else "; or more units, or another learning rate")
        )
    else:
        fix = (
            f"it stalled at every learning rate tried, so more of the same is unlikely to help: give it more "
            f"capacity or a mechanism the probe needs (docs/probes.md says what each probe asks of a model); "
            f"budget={2 * sequences // attempts} would settle whether it is only slow"
        )
    if profile is not None:
        message += f". This ran under the {profile.name} profile ({profile.summary})"
        if profile.reduced:
            message += ", so it shows only that the model did not pass on that smaller effort"
            fix = (
                "run it under the default profile (--rnncheck-profile=ci), which trains longer, tries other "
                "learning rates and runs the control experiments that can name a cause"
            )
    return [Pathology(Code.UNDERTRAINED, Severity.ERROR, message, fix)]
