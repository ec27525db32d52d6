"""Results as a notebook shows them: ``_repr_html_`` and a plain ``repr`` for a ProbeResult,
the findings ``diagnose()`` returns and the training callback's report. Pure: HTML from plain
data; the probe's page reuses the HTML report's tables and boxes (html_report.py), with its
plots when matplotlib is there and without them (said so) when it is not.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

from .diagnosis.pathology import ERROR, Pathology
from .result import ProbeResult

#: The report's look, scoped to one output cell.
CELL_STYLE = """
.rnncheck { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; }
.rnncheck table { border-collapse: collapse; margin: .4em 0; }
.rnncheck th, .rnncheck td { border: 1px solid #d0d7de; padding: .2em .5em; text-align: left; vertical-align: top; }
.rnncheck th { background: #f6f8fa; } .rnncheck td.num { text-align: right; font-variant-numeric: tabular-nums; }
.rnncheck .pass { color: #1a7f37; font-weight: 600; }
.rnncheck .fail, .rnncheck .error { color: #cf222e; font-weight: 600; }
.rnncheck .inconclusive, .rnncheck .warn { color: #9a6700; font-weight: 600; }
.rnncheck div.finding { color: #1f2328; font-weight: 400; }
.rnncheck .finding { border-left: 4px solid #cf222e; padding: .2em .7em; margin: .4em 0; background: #fff8f8; }
.rnncheck .finding.warning { border-color: #bf8700; background: #fffbea; }
.rnncheck pre { white-space: pre-wrap; background: #f6f8fa; padding: .5em; } .rnncheck .meta { color: #57606a; }
.rnncheck img { max-width: 100%; }
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def cell(body: str) -> str:
    return f'<div class="rnncheck"><style>{CELL_STYLE}</style>{body}</div>'


def findings_html(findings: list[Pathology], notes: list[str]) -> str:
    """Each finding in its box (code, severity, evidence, fix), then the notes."""
    if not findings:
        parts = ['<p><span class="pass">no findings</span></p>']
    else:
        parts = [
            f'<div class="finding {_e(p.severity)}"><p><strong>{_e(p.code)}</strong> ({_e(p.severity)}): '
            f"{_e(p.message)}</p><p>fix: {_e(p.fix)}</p></div>"
            for p in findings
        ]
    if notes:
        parts.append('<ul class="meta">' + "".join(f"<li>{_e(n)}</li>" for n in notes) + "</ul>")
    return "\n".join(parts)


def findings_text(findings: list[Pathology], notes: list[str]) -> str:
    lines = [f"- [{p.severity}] {p.code}: {p.message}\n    fix: {p.fix}" for p in findings]
    lines += [f"  note: {note}" for note in notes]
    return "\n".join(lines) if lines else "no findings"


def findings_title(findings: list[Pathology]) -> str:
    errors = [p.code for p in findings if p.severity == ERROR]
    if errors:
        return f"{len(errors)} error(s): {', '.join(dict.fromkeys(errors))}"
    if findings:
        return f"{len(findings)} warning(s): {', '.join(dict.fromkeys(p.code for p in findings))}"
    return "no findings"


class Findings(list):
    """The findings, most likely cause first (``Pathology`` records), and notes on what was done."""

    def __init__(self, findings: list[Pathology], notes: list[str]):
        super().__init__(findings)
        self.notes = notes

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self]

    def title(self) -> str:
        return findings_title(list(self))

    def message(self) -> str:
        return findings_text(list(self), self.notes)

    def __repr__(self) -> str:
        return f"<rnncheck findings: {self.title()}>\n{self.message()}"

    def _repr_html_(self) -> str:
        return cell(f"<h4>rnncheck: {_e(self.title())}</h4>" + findings_html(list(self), self.notes))


class TrainingFindings(Findings):
    """What the training callback found, with the epochs it watched (own_training.Epoch) and the
    flight recorder's summary (the loss per epoch, each layer's median update ratio)."""

    def __init__(self, findings: list[Pathology], notes: list[str], epochs: list[Any], record: dict[str, Any]):
        super().__init__(findings, notes)
        self.epochs, self.record = epochs, record

    def _repr_html_(self) -> str:
        return cell(
            f"<h4>rnncheck, watching model.fit: {_e(self.title())}</h4>" + findings_html(list(self), self.notes)
            + epochs_table(self.epochs) + layers_table(self.record.get("layers", []))
        )


#: The epochs table shows the first and last of a long run, not all of them.
EPOCH_ROWS = 12


def epochs_table(epochs: list[Any]) -> str:
    """One row per epoch (the first and last of a long run); only the columns something filled."""
    if not epochs:
        return ""
    shown = epochs if len(epochs) <= EPOCH_ROWS else epochs[: EPOCH_ROWS // 2] + [None] + epochs[-EPOCH_ROWS // 2:]
    columns = [
        ("epoch", lambda e: e.epoch), ("loss", lambda e: _n(e.loss)), ("held-out accuracy", lambda e: _n(e.accuracy)),
        ("classes predicted", lambda e: "" if e.distinct is None else e.distinct),
        ("output spread", lambda e: _n(e.spread)),
        ("target spread", lambda e: _n(e.target_spread)),
        ("output range", lambda e: "" if e.low is None else f"{e.low:.3g}..{e.high:.3g}"),
    ]
    columns = [(name, read) for name, read in columns if any(read(e) != "" for e in epochs)]
    rows = []
    for e in shown:
        if e is None:
            rows.append(
                f'<tr><td colspan="{len(columns)}" class="meta">&hellip; {len(epochs) - EPOCH_ROWS} more</td></tr>'
            )
            continue
        rows.append("<tr>" + "".join(f'<td class="num">{_e(read(e))}</td>' for _, read in columns) + "</tr>")
    return ("<table><thead><tr>" + "".join(f"<th>{name}</th>" for name, _ in columns) + "</tr></thead><tbody>"
            + "".join(rows) + "</tbody></table>")


def layers_table(layers: list[dict[str, Any]]) -> str:
    if not layers:
        return ""
    rows = "".join(
        f"<tr><td>{_e(lay['name'])}</td><td>{_e(lay['kind'])}</td><td>{'yes' if lay['trainable'] else 'no'}</td>"
        f'<td class="num">{lay["weights"]:,}</td><td class="num">{_n(lay.get("update_ratio"))}</td></tr>'
        for lay in layers
    )
    return ("<table><thead><tr><th>layer</th><th>kind</th><th>trainable</th><th>weights</th>"
            "<th>median update per epoch (relative)</th></tr></thead><tbody>" + rows + "</tbody></table>")


def result_html(result: ProbeResult) -> str:
    """One probe as the HTML report shows it: its summary row, its curves, attempts and findings."""
    from . import html_report

    r = result.rounded()
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        plotted, note = dataclasses.replace(r, record={**r.record, "curve": []}, profile=[]), (
            f'<p class="meta">plots need matplotlib: {_e(html_report.INSTALL_HINT)}</p>'
        )
    else:
        plotted, note = r, ""
    body = html_report.summary_table([plotted]).replace('href="#probe-0"', "") + html_report.probe_section(0, plotted)
    if not plotted.profile and r.profile:  # the table of lags still shows without plots
        body += html_report._profile_table(r.profile)
    return cell(body + note)


def _n(value: Any) -> str:
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else str(value)
