"""This run against a saved one: what changed per probe, and which changes are regressions. Pure.

A regression rule (``--rnncheck-compare-fail``) is ``FIELD:AMOUNT``, comma-separated:

- ``horizon:N`` a memory horizon N or more lags shorter (``horizon:50%``: half or less);
- ``sequences:Fx`` F times the sequences a passing probe needed (``sequences:50%``: 1.5x;
  ``sequences:N``: N more);
- ``accuracy:D`` final accuracy D lower (``accuracy:5%``: 5% of the old value lower).

A change past a rule is a regression only when it is also beyond the noise of the seed:

- accuracy: the new one-sided 99% upper bound must lie below the old lower bound (two
  final sets that disagree beyond their own sampling error);
- sequences: only probes that passed in both runs count (memory profiles: with the same
  horizon, where it is the data needed to show it), and the ratio must reach
  ``SEQUENCES_NOISE`` (the widest spread between seeds measured on healthy models) and the
  difference exceed ``SEQUENCES_QUANTUM`` (two looks at the monitor set);
- horizon: not when the lag that ends the new horizon stopped at a budget the profile cut
  short (the new horizon is then only "at least").

A probe that passed and now fails is always listed (it fails its test anyway).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from typing import Any

from .errors import RnnCheckError
from .report import unsettled
from .result import ProbeResult
from .run_info import differences

#: Largest ratio of sequences-to-pass between seeds 0-3 seen on healthy models
#: (LSTM(64) lag(16): 32,768-51,200; GRU(128) lag(16): 53-63k). docs/report.md.
SEQUENCES_NOISE = 1.6
#: Training looks at the monitor set every 2,048 sequences: two looks are quantisation.
SEQUENCES_QUANTUM = 4096
FIELDS = ("horizon", "sequences", "accuracy")
_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)(x|%)?$")


@dataclasses.dataclass(frozen=True)
class Rule:
    field: str
    amount: float
    unit: str  # "" (absolute), "x" (factor) or "%" (share of the old value)

    @property
    def text(self) -> str:
        amount = f"{self.amount:g}"
        return f"{self.field}:{amount}{self.unit}"


def parse_rules(text: str) -> list[Rule]:
    """``"horizon:1,sequences:2x"`` -> rules; raise RnnCheckError naming the bad part."""
    rules = []
    for part in (p.strip() for p in text.split(",")):
        field, _, amount = part.partition(":")
        field = field.strip()
        match = _AMOUNT.match(amount.strip())
        if field not in FIELDS or not match:
            raise RnnCheckError(
                f"--rnncheck-compare-fail: {part!r} is not a rule: give FIELD:AMOUNT with FIELD one of "
                f"{', '.join(FIELDS)} (e.g. horizon:1, sequences:2x, accuracy:0.05, horizon:50%)"
            )
        value, unit = float(match.group(1)), match.group(2) or ""
        if unit == "x" and field != "sequences":
            raise RnnCheckError(f"--rnncheck-compare-fail: {part!r}: a factor (x) applies to sequences only")
        if value <= 0 or (unit == "x" and value <= 1):
            raise RnnCheckError(f"--rnncheck-compare-fail: {part!r}: the amount must be > 0 (a factor > 1)")
        rules.append(Rule(field, value, unit))
    return rules


@dataclasses.dataclass
class Change:
    """One probe in both runs (or in one of them)."""

    nodeid: str
    probe: str
    old: ProbeResult | None
    new: ProbeResult | None
    lines: list[str] = dataclasses.field(default_factory=list)
    regressions: list[str] = dataclasses.field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.nodeid} {self.probe}"


def _key(result: ProbeResult) -> tuple[str, str]:
    return (result.nodeid or result.model or "", result.probe)


def compare(old_results: Iterable[ProbeResult], new_results: Iterable[ProbeResult], rules: list[Rule]) -> list[Change]:
    """Every probe of either run whose numbers or verdict changed, with its regressions (a run's
    results as the document's dicts are read once)."""
    old = {_key(r): r for r in (r.rounded() for r in old_results)}
    new = {_key(r): r for r in (r.rounded() for r in new_results)}
    changes = []
    for key in sorted(set(old) | set(new)):
        change = Change(key[0], key[1], old.get(key), new.get(key))
        if change.old is None:
            change.lines.append("new probe: not in the saved run")
        elif change.new is None:
            change.lines.append("not run this time")
        else:
            _verdict(change)
            _accuracy(change, [r for r in rules if r.field == "accuracy"])
            _sequences(change, [r for r in rules if r.field == "sequences"])
            _horizon(change, [r for r in rules if r.field == "horizon"])
        if change.lines:
            changes.append(change)
    return changes


def _verdict(change: Change) -> None:
    was, now = change.old.verdict, change.new.verdict
    if was != now:
        change.lines.append(f"verdict {was} -> {now}")
        if was == "pass" and now != "inconclusive":  # a quick profile's unsettled verdict shows no regression
            change.regressions.append(f"passed before, now {now}")


def _beyond(rule: Rule, old: float, new: float, worse_if_lower: bool) -> bool:
    """Is the move from ``old`` to ``new`` past ``rule`` (in the worsening direction)?"""
    loss = (old - new) if worse_if_lower else (new - old)
    if rule.unit == "x":
        return old > 0 and new / old >= rule.amount
    if rule.unit == "%":
        return old > 0 and loss >= rule.amount / 100 * old
    return loss >= rule.amount


def _accuracy(change: Change, rules: list[Rule]) -> None:
    old, new = change.old.accuracy, change.new.accuracy
    if old is None or new is None or old == new:
        return
    line = f"accuracy {old:.3f} -> {new:.3f} ({new - old:+.3f})"
    hit = [r.text for r in rules if _beyond(r, old, new, worse_if_lower=True)]
    if hit:
        upper, lower = change.new.upper, change.old.lower
        if upper is not None and lower is not None and upper >= lower:
            line += f"  within noise: new upper bound {upper:.3f} >= old lower bound {lower:.3f}"
        else:
            change.regressions.append(f"accuracy {new - old:+.3f} ({', '.join(hit)})")
            line += f"  REGRESSION ({', '.join(hit)})"
    change.lines.append(line)


def _sequences(change: Change, rules: list[Rule]) -> None:
    old, new = change.old.sequences or 0, change.new.sequences or 0
    if old == new or not old:
        return
    line = f"sequences {old:,} -> {new:,} ({new / old:.2f}x)"
    stops = (change.old.stopped, change.new.stopped)
    same_horizon = change.old.horizon == change.new.horizon
    both_passed = stops == ("passed", "passed") or (stops == ("profile", "profile") and same_horizon)
    hit = [r.text for r in rules if _beyond(r, old, new, worse_if_lower=False)]
    if hit and not both_passed:
        line += "  not compared: sequences to pass need a pass (or the same horizon) in both runs"
    elif hit and (new / old < SEQUENCES_NOISE or new - old <= SEQUENCES_QUANTUM):
        line += f"  within noise: under {SEQUENCES_NOISE}x or {SEQUENCES_QUANTUM:,} more (seed spread)"
    elif hit:
        change.regressions.append(f"sequences {new / old:.2f}x ({', '.join(hit)})")
        line += f"  REGRESSION ({', '.join(hit)})"
    change.lines.append(line)


def _horizon(change: Change, rules: list[Rule]) -> None:
    old, new = change.old.horizon, change.new.horizon
    if old is None or new is None or old == new:
        return
    line = f"horizon {old} -> {new} ({new - old:+d})"
    hit = [r.text for r in rules if _beyond(r, old, new, worse_if_lower=True)]
    if hit:
        ends = [p for p in change.new.profile if p.lag > new and not p.passed]
        end = min(ends, key=lambda p: p.lag) if ends else None
        upper = change.new.horizon_upper
        if end is not None and end.budget and end.stopped == "budget":
            line += f"  undecided: lag({end.lag}) stopped at the profile's shared budget (horizon at least {new})"
        elif unsettled(change.new) and not _beyond_any(rules, old, upper):
            line += (
                f"  undecided: the profile's budget ran out with lags up to {upper} untrained "
                f"(horizon {new} to {upper})"
            )
        else:
            change.regressions.append(f"horizon {new - old:+d} ({', '.join(hit)})")
            line += f"  REGRESSION ({', '.join(hit)})"
    change.lines.append(line)


def _beyond_any(rules: list[Rule], old: int, new: int) -> bool:
    return any(_beyond(r, old, new, worse_if_lower=True) for r in rules)


def summary_lines(
    changes: list[Change], source: str, saved: dict[str, Any], seeds: tuple[Any, Any], unchanged: int
) -> list[str]:
    """What the terminal shows after the table."""
    lines = [f"compared with {source} (saved {saved.get('at', '?')}, seed {seeds[0]}; this run seed {seeds[1]})"]
    if seeds[0] != seeds[1]:
        lines.append(
            "  the seeds differ: differences include the seed's noise "
            "(replay with --rnncheck-seed to compare like for like)"
        )
    for change in changes:
        lines.append(change.title)
        lines.extend(f"    {line}" for line in change.lines)
    regressions = sum(bool(c.regressions) for c in changes)
    lines.append(f"{len(changes)} probe(s) changed, {unchanged} unchanged, {regressions} regression(s)")
    return lines


def _numbers(result: ProbeResult | None) -> dict[str, Any] | None:
    """What a comparison shows of one side (in the document): the verdict and the compared numbers."""
    if result is None:
        return None
    keys = (
        "verdict", "accuracy", "lower_bound", "upper_bound", "sequences", "horizon", "horizon_upper", "curve", "profile"
    )
    plain = result.to_dict()
    return {key: plain[key] for key in keys}


def to_document(
    changes: list[Change],
    source: str,
    saved: dict[str, Any],
    seeds: tuple[Any, Any],
    unchanged: int,
    rules: list[Rule],
    machine_differences: list[str],
) -> dict[str, Any]:
    """The comparison for the JSON report and the HTML page: regressions first, each probe with
    both sides, every line of judgement (the rule hit, or why a change is within noise)."""
    ordered = sorted(changes, key=lambda c: (not c.regressions, c.nodeid, c.probe))
    return {
        "against": source,
        "saved": saved,
        "seeds": {"saved": seeds[0], "this_run": seeds[1]},
        "rules": [rule.text for rule in rules],
        "machine_differences": machine_differences,
        "changed": len(changes),
        "unchanged": unchanged,
        "regressions": sum(bool(c.regressions) for c in changes),
        "probes": [
            {
                "nodeid": c.nodeid,
                "probe": c.probe,
                "regression": bool(c.regressions),
                "regressions": list(c.regressions),
                "lines": list(c.lines),
                "before": _numbers(c.old),
                "after": _numbers(c.new),
            }
            for c in ordered
        ],
    }


def compare_runs(
    saved: dict[str, Any], results: Iterable[ProbeResult], source: str, seed: Any, rules: list[Rule],
    machine_info: dict[str, Any] | None,
) -> tuple[list[str], dict[str, Any]]:
    """A saved run (or report) against these results: the lines the terminal shows, and the
    comparison the JSON and HTML reports hold. ``machine_info`` is this run's."""
    before, after = [ProbeResult.from_dict(r) for r in saved["results"]], [r.rounded() for r in results]
    changes = compare(before, after, rules)
    common = {_key(r) for r in before} & {_key(r) for r in after}
    unchanged = len(common) - sum(1 for c in changes if c.old is not None and c.new is not None)
    seeds = (saved.get("seed"), seed)
    lines = summary_lines(changes, source, saved.get("saved", {}), seeds, unchanged)
    moved = differences(saved.get("machine_info"), machine_info)
    if moved:
        lines.append(
            f"rnncheck: warning: the saved run was made elsewhere or with other versions ({'; '.join(moved)}): "
            f"a change may come from there, not from the model"
        )
    return lines, to_document(changes, source, saved.get("saved", {}), seeds, unchanged, rules, moved)
