"""``--rnncheck-html``: one self-contained page (no network, no script) from the JSON document.

The summary table, then per probe: the learning curve (monitor accuracy and training loss
against sequences, with the threshold and chance), the memory profile with its 99% band,
the attempts, and the findings with their evidence and fix. Plots are drawn with matplotlib
(the optional ``[html]`` extra) into PNGs embedded as data URIs.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import report
from .errors import RnnCheckError
from .records import Attempt, Extrapolation, LagResult
from .result import ProbeResult
from .seeds import weakest

#: Fewer looks than this are drawn as points with a note, not as a curve.
MIN_CURVE_LOOKS = 3
INSTALL_HINT = "pip install 'pytest-rnncheck[html]' (or pip install matplotlib)"

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 1300px;
       color: #1b1f24; padding: 0 1em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2.2em; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; margin: .6em 0; } th, td { border: 1px solid #d0d7de; padding: .25em .55em;
       text-align: left; vertical-align: top; } th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.wide { overflow-x: auto; } td a { word-break: break-all; }
.pass { color: #1a7f37; font-weight: 600; } .fail, .error { color: #cf222e; font-weight: 600; }
.inconclusive, .warn { color: #9a6700; font-weight: 600; }
.change { border-left: 4px solid #d0d7de; padding: .3em .8em; margin: .6em 0; }
p.warning { color: #9a6700; }
div.finding { color: #1f2328; font-weight: 400; }
.finding { border-left: 4px solid #cf222e; padding: .3em .8em; margin: .6em 0; background: #fff8f8; }
.finding.warning { border-color: #bf8700; background: #fffbea; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .6em; }
.plots img { max-width: 100%; margin: .4em .8em .4em 0; }
.meta { color: #57606a; }
"""


def check_matplotlib() -> None:
    """Raise RnnCheckError with what to install when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise RnnCheckError(f"--rnncheck-html needs matplotlib to draw its plots: {INSTALL_HINT}") from None


def write_html(path: str | Path, document: dict[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(document), encoding="utf-8")


def page(document: dict[str, Any]) -> str:
    check_matplotlib()
    results = failures_first(ProbeResult.from_dict(r) for r in document["results"])  # read once from the document
    passed = sum(r.verdict == "pass" for r in results)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>rnncheck report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>rnncheck report</h1>",
        f'<p class="meta">{len(results)} probe(s), {passed} passed; seed {_e(document.get("seed"))}, '
        f'backend {_e(document.get("backend"))}; '
        f'replay with <code>--rnncheck-seed={_e(document.get("seed"))}</code></p>',
        run_info_line(document),
        compare_section(document.get("compare")),
        summary_table(results, frozenset(
            (p["nodeid"], p["probe"]) for p in (document.get("compare") or {}).get("probes", []) if p["regression"]
        )),
    ]
    for index, r in enumerate(results):
        parts.append(probe_section(index, r))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def failures_first(results: Iterable[ProbeResult]) -> list[ProbeResult]:
    """Errors, then failures, then passes with findings, then clean passes; the JSON's order within."""
    def rank(r: ProbeResult) -> int:
        if r.error:
            return 0
        if not r.passed:
            return 1 if r.verdict != "inconclusive" else 2
        return 3 if r.pathologies else 4

    return sorted((r.rounded() for r in results), key=rank)


def verdict_span(r: ProbeResult) -> str:
    """The terminal's verdict words (``pass (warn)``, ``FAIL``, ``inconclusive``), coloured."""
    css = "warn" if r.passed and r.pathologies else r.verdict
    return f'<span class="{_e(css)}">{_e(report.verdict_label(r))}</span>'


def run_info_line(document: dict[str, Any]) -> str:
    """Where the run was made: Python, the packages' versions, the device, the commit."""
    machine, commit = document.get("machine_info") or {}, document.get("commit_info") or {}
    if not machine:
        return ""
    parts = [f"Python {machine.get('python')}"]
    parts += [f"{name} {v}" for name, v in (machine.get("packages") or {}).items()]
    if machine.get("device"):
        parts.append(f"device {machine['device']}")
    parts.append(f"{machine.get('cpu_count')} CPU core(s)")
    if commit.get("id"):
        parts.append(f"commit {commit['id'][:12]}" + (" (uncommitted changes)" if commit.get("dirty") else ""))
    return f'<p class="meta">{_e(", ".join(parts))}</p>'


def compare_section(compared: dict[str, Any] | None) -> str:
    """The comparison with a saved run, regressions first and in red, both runs on one plot."""
    if not compared:
        return ""
    count = compared.get("regressions", 0)
    title = f"{count} regression(s)" if count else "no regression"
    parts = [
        f'<section id="compare"><h2>Compared with {_e(compared.get("against"))}: '
        f'<span class="{"fail" if count else "pass"}">{title}</span></h2>',
        f'<p class="meta">{compared.get("changed", 0)} probe(s) changed, {compared.get("unchanged", 0)} unchanged; '
        f'saved {_e((compared.get("saved") or {}).get("at", "?"))}, seed {_e(compared["seeds"]["saved"])}, '
        f'this run seed {_e(compared["seeds"]["this_run"])}'
        + (f'; rules {_e(", ".join(compared["rules"]))}' if compared.get("rules") else "") + "</p>",
    ]
    if compared.get("machine_differences"):
        parts.append(f'<p class="warning">made elsewhere or with other versions: '
                     f'{_e("; ".join(compared["machine_differences"]))}'
                     " &mdash; a change may come from there, not from the model</p>")
    for probe in compared.get("probes", []):
        mark = '<span class="fail">REGRESSION</span> ' if probe["regression"] else ""
        parts.append(f'<div class="{"finding" if probe["regression"] else "change"}"><p>{mark}<strong>'
                     f'{_e(probe["nodeid"])}</strong> &middot; {_e(probe["probe"])}</p><ul>'
                     + "".join(f"<li>{_e(line)}</li>" for line in probe["lines"]) + "</ul>")
        before, after = probe.get("before") or {}, probe.get("after") or {}
        if (before.get("profile") and after.get("profile")) or (before.get("curve") and after.get("curve")):
            parts.append('<div class="plots">' + _img(compare_figure(probe), f"both runs of {probe['probe']}")
                         + "</div>")
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def compare_figure(probe: dict[str, Any]) -> bytes:
    """Both runs on one plot: accuracy per lag for memory profiles, else the learning curves."""
    figure, axes = _figure()
    runs = (("saved run", probe["before"], "#57606a"),
            ("this run", probe["after"], "#cf222e" if probe["regression"] else "#0969da"))
    profiles = all((side or {}).get("profile") for _, side, _ in runs)
    for label, side, color in runs:
        if profiles:
            entries = sorted(side["profile"], key=lambda e: e["lag"])
            axes.plot([e["lag"] for e in entries], [e["accuracy"] for e in entries], marker="o", color=color,
                      label=f"{label} (horizon {side.get('horizon')})")
        else:
            curve = side["curve"]
            axes.plot([p["sequences"] for p in curve], [p["accuracy"] for p in curve], marker=".", color=color,
                      label=f"{label} ({side.get('verdict')})")
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("lag" if profiles else "training sequences")
    axes.set_ylabel("accuracy" if profiles else "monitor accuracy")
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    axes.set_title(f"{probe['probe']}: saved run against this run", fontsize=10)
    return _png(figure)


def summary_table(results: Iterable[ProbeResult], regressed: frozenset[tuple[str, str]] = frozenset()) -> str:
    """One row per probe; a probe that regressed against the compared run says so beside its verdict."""
    head = ["test", "probe", "verdict", "accuracy", "lower bound", "threshold", "chance", "sequences", "horizon",
            "findings"]
    rows = []
    for index, r in enumerate((r.rounded() for r in results)):
        horizon = "" if r.horizon is None else f"{report.horizon_text(r)}/{_dash(r.receptive_field)}"
        cells = [
            f'<a href="#probe-{index}">{_e(r.nodeid or r.model)}</a>',
            _e(r.probe),
            verdict_span(r) + _e(report.passes_mark(r))
            + (' <span class="fail">regressed</span>' if (r.nodeid, r.probe) in regressed else ""),
            report._num(r.accuracy),
            report._num(r.lower),
            report._num(r.threshold),
            report._num(r.chance),
            f"{r.total_sequences or r.sequences or 0:,}",
            horizon,
            _e(report.finding_codes(r)),
        ]
        numeric = {3, 4, 5, 6, 7}
        rows.append("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                     for i, c in enumerate(cells)) + "</tr>")
    return ('<div class="wide"><table><thead><tr>' + "".join(f"<th>{h}</th>" for h in head) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def probe_section(index: int, result: ProbeResult) -> str:
    r = result.rounded()
    parts = [
        f'<section id="probe-{index}"><h2>{_e(r.nodeid or r.model)} &middot; {_e(r.probe)} '
        f'&middot; {verdict_span(r)}</h2>',
        f'<p class="meta">model {_e(r.model)}, seed {_e(r.seed)}, stopped: {_e(r.stopped or "-")}, '
        f'{r.seconds:.1f} s</p>',
    ]
    if r.error:
        parts.append(f"<pre>{_e(r.error)}</pre>")
    plots = []
    if r.curve:
        plots.append(_img(curve_figure(r), f"learning curve of {r.probe}"))
    if r.profile:
        plots.append(_img(profile_figure(r), f"memory profile of {r.probe}"))
        if any(entry.curve for entry in r.profile):
            plots.append(_img(lag_curves_figure(r), f"learning curve of each lag of {r.probe}"))
    if plots:
        parts.append('<div class="plots">' + "".join(plots) + "</div>")
    if r.profile:
        parts.append(_profile_table(r.profile))
    if r.extrapolation:
        parts.append(_extrapolation_table(r.extrapolation))
    if r.seed_runs:
        parts.append(_seeds_table(r))
    elif len(r.attempts) > 1:
        parts.append(_attempts_table(r.attempts))
    for p in r.pathologies:
        parts.append(
            f'<div class="finding {_e(p.severity)}"><p><strong>{_e(p.code)}</strong> ({_e(p.severity)}): '
            f'{_e(p.message)}</p><p>fix: {_e(p.fix)}</p></div>'
        )
    explained = without_findings(report.explain(r)) if not r.passed or r.pathologies else []
    if explained:
        parts.append("<pre>" + _e("\n".join(explained)) + "</pre>")
    elif r.notes:
        parts.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in r.notes) + "</ul>")
    parts.append("</section>")
    return "\n".join(parts)


def without_findings(lines: list[str]) -> list[str]:
    """The explanation less its findings, which the page shows once, in their own boxes."""
    kept, inside = [], False
    for line in lines:
        if line == "  findings, most likely cause first:":
            inside = True
            continue
        if inside and (line.startswith("  - [") or line.startswith("      fix: ")):
            continue
        inside = False
        kept.append(line)
    return kept


def decisive_attempt(result: ProbeResult) -> str:
    """Which training run the plotted curve is: the attempt whose result the verdict rests on."""
    r = result.rounded()
    if r.seed_runs:  # seeds=k: the curve is the weakest training's, the one the runner chose
        seed = r.seed_runs[weakest(r.seed_runs)].seed
        return f" (seed {seed}, the weakest of {len(r.seed_runs)})"
    attempts = r.attempts
    if len(attempts) <= 1:
        return ""
    for number, a in enumerate(attempts, start=1):
        if a.sequences == r.sequences and report._num(a.accuracy) == report._num(r.accuracy):
            rate = f", learning rate {a.learning_rate:g}" if a.learning_rate is not None else ""
            return f" (attempt {number} of {len(attempts)}{rate})"
    return ""


def curve_figure(result: ProbeResult) -> bytes:
    """Monitor accuracy (left axis) and mean training loss (right) against sequences."""
    r = result.rounded()
    figure, axes = _figure()
    curve = r.curve
    seen = [point["sequences"] for point in curve]
    few = len(curve) < MIN_CURVE_LOOKS  # a pass at the first looks: points, not a curve
    axes.plot(seen, [point["accuracy"] for point in curve], color="#0969da", marker="o" if few else ".",
              linestyle="none" if few else "-", label="monitor accuracy")
    if r.threshold is not None:
        axes.axhline(r.threshold, color="#1a7f37", linestyle="--", label=f"threshold {r.threshold:g}")
    if r.chance is not None:
        axes.axhline(r.chance, color="#57606a", linestyle=":", label=f"chance {r.chance:.3g}")
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("training sequences")
    axes.set_ylabel("accuracy")
    losses = [(s, point["loss"]) for s, point in zip(seen, curve) if point.get("loss") is not None]
    lines, labels = axes.get_legend_handles_labels()
    if losses:
        loss_axes = axes.twinx()
        loss_axes.plot([s for s, _ in losses], [v for _, v in losses], color="#bc4c00", alpha=0.8,
                       label="training loss", marker="o" if few else None, linestyle="none" if few else "-")
        loss_axes.set_ylabel("loss")
        more, more_labels = loss_axes.get_legend_handles_labels()
        lines, labels = lines + more, labels + more_labels
    axes.legend(lines, labels, loc="upper left", bbox_to_anchor=(1.12 if losses else 1.01, 1.0), fontsize=8,
                frameon=False)
    note = f", only {len(curve)} look(s)" if few else ""
    axes.set_title(f"{r.probe}: learning curve{decisive_attempt(r)}{note}", fontsize=10)
    return _png(figure)


def profile_figure(result: ProbeResult) -> bytes:
    """Accuracy per lag tried with its [lower, upper] band, the threshold and the receptive field."""
    r = result.rounded()
    figure, axes = _figure()
    profile = sorted(r.profile, key=lambda entry: entry.lag)
    lags = [entry.lag for entry in profile]
    accuracy = [entry.accuracy if entry.accuracy is not None else float("nan") for entry in profile]
    lower = [entry.lower_bound if entry.lower_bound is not None else float("nan") for entry in profile]
    upper = [entry.upper_bound if entry.upper_bound is not None else a for entry, a in zip(profile, accuracy)]
    axes.fill_between(lags, lower, upper, color="#0969da", alpha=0.2, label="99% band")
    axes.plot(lags, accuracy, color="#0969da", marker="o", label="accuracy")
    for lag, acc, entry in zip(lags, accuracy, profile):
        axes.annotate("pass" if entry.passed else "fail", (lag, acc), textcoords="offset points", xytext=(0, 6),
                      ha="center", fontsize=7, color="#1a7f37" if entry.passed else "#cf222e")
    if r.threshold is not None:
        axes.axhline(r.threshold, color="#1a7f37", linestyle="--", label=f"threshold {r.threshold:g}")
    right = max(lags)
    if r.receptive_field:
        axes.axvline(r.receptive_field - 1, color="#8250df", linestyle=":", label="farthest lag in reach")
        right = max(right, r.receptive_field - 1)
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0.5, right + 0.5)
    axes.set_ylim(-0.02, 1.08)
    axes.set_xlabel("lag")
    axes.set_ylabel("held-out accuracy")
    axes.set_title(f"memory profile: horizon {report.horizon_text(r)}", fontsize=10)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _png(figure)


def lag_curves_figure(result: ProbeResult) -> bytes:
    """memory(): the monitor accuracy of every lag's training run against sequences."""
    r = result.rounded()
    figure, axes = _figure()
    for entry in sorted(r.profile, key=lambda e: e.lag):
        curve = entry.curve
        if curve:
            axes.plot([p["sequences"] for p in curve], [p["accuracy"] for p in curve], marker=".",
                      label=f"lag {entry.lag} ({'pass' if entry.passed else 'fail'})")
    if r.threshold is not None:
        axes.axhline(r.threshold, color="#1a7f37", linestyle="--", label=f"threshold {r.threshold:g}")
    axes.set_ylim(-0.02, 1.02)
    axes.set_xlabel("training sequences")
    axes.set_ylabel("monitor accuracy")
    axes.set_title("learning curve of each lag tried", fontsize=10)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return _png(figure)


def _figure() -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6.4, 3.4), dpi=100, layout="constrained")
    return figure, figure.add_subplot()


def _png(figure: Any) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}">'


def _profile_table(profile: list[LagResult]) -> str:
    rows = "".join(
        f"<tr><td class=\"num\">{p.lag}</td><td class=\"num\">{report._num(p.accuracy)}</td>"
        f"<td class=\"num\">{report._num(p.lower_bound)}</td><td>{'pass' if p.passed else 'fail'}</td>"
        f"<td class=\"num\">{p.sequences:,}</td><td>{_e(p.stopped)}</td></tr>"
        for p in sorted(profile, key=lambda entry: entry.lag)
    )
    return ("<table><thead><tr><th>lag</th><th>accuracy</th><th>lower bound</th><th>verdict</th><th>sequences</th>"
            f"<th>stopped</th></tr></thead><tbody>{rows}</tbody></table>")


def _extrapolation_table(e: Extrapolation) -> str:
    """extrapolate=m: accuracy on the window trained on, on the one judged, and by position."""
    rows = [("trained on", e.trained_timesteps, e.accuracy_at_trained)]
    rows += [(f"steps {b['steps'][0]}-{b['steps'][1]}", "", b["accuracy"]) for b in e.buckets]
    body = "".join(f'<tr><td>{_e(a)}</td><td class="num">{_e(b)}</td><td class="num">{report._num(c)}</td></tr>'
                   for a, b, c in rows)
    note = f'<p class="warning">{_e(e.error)}</p>' if e.error else ""
    return (f'<p>extrapolate: judged on {_e(e.judged_timesteps)} steps</p>{note}<table><thead><tr><th>window</th>'
            f"<th>steps</th><th>accuracy</th></tr></thead><tbody>{body}</tbody></table>")


def _seeds_table(r: ProbeResult) -> str:
    """seeds=k: each training's verdict and numbers, under the pass count and its interval."""
    low, high = r.pass_probability
    head = ("<tr><th>seed</th><th>verdict</th><th>accuracy</th><th>lower bound</th><th>sequences</th>"
            "<th>stopped</th><th>attempts</th><th>learning rate</th></tr>")
    rows = "".join(
        f'<tr><td class="num">{_e(run.seed)}</td><td><span class="{_e(run.verdict)}">{_e(run.verdict)}</span></td>'
        f'<td class="num">{report._num(run.accuracy)}</td><td class="num">{report._num(run.lower_bound)}</td>'
        f'<td class="num">{run.sequences:,}</td><td>{_e(run.stopped)}</td><td class="num">{run.attempts}</td>'
        f'<td class="num">{_dash(run.learning_rate)}</td></tr>'
        for run in r.seed_runs
    )
    return (f'<p>passed {r.passes} of {len(r.seed_runs)} seeds ({r.passes_needed} needed); pass probability '
            f'{low:.2f}-{high:.2f} (95% Clopper-Pearson); the curve is the weakest seed\'s</p>'
            f"<table><thead>{head}</thead><tbody>{rows}</tbody></table>")


def _attempts_table(attempts: list[Attempt]) -> str:
    rows = "".join(
        f"<tr><td>{_dash(a.learning_rate)}</td><td class=\"num\">{a.sequences:,}</td>"
        f"<td class=\"num\">{report._num(a.accuracy)}</td><td class=\"num\">{report._num(a.lower_bound)}</td>"
        f"<td>{_e(a.stopped)}</td></tr>"
        for a in attempts
    )
    return ("<table><thead><tr><th>learning rate</th><th>sequences</th><th>accuracy</th><th>lower bound</th>"
            f"<th>stopped</th></tr></thead><tbody>{rows}</tbody></table>")


def _dash(value: Any) -> str:
    return "-" if value is None else _e(value)


def _e(value: Any) -> str:
    return html.escape(str(value))
