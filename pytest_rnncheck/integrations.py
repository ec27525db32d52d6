"""What other reporting plugins get from a probe: pytest-html's extras, pytest-json-report's metadata.

Both through their documented extension points, and only where they are installed:

- **pytest-html** (4.x) shows ``report.extras`` under each test: each probe's explanation as
  text and, where matplotlib is installed, its learning curve as a PNG.
- **pytest-json-report** adds what ``pytest_json_runtest_metadata`` returns to the test's
  ``metadata``: ``{"rnncheck": [...]}``, one compact entry per probe (the verdict, the numbers,
  the findings), without curves.

Neither plugin is imported unless pytest has loaded it, and a hook of a plugin that is absent
is declared optional (``optionalhook=True``), so it can never break a run without it.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from . import report

if TYPE_CHECKING:
    from .result import ProbeResult

#: The keys of a probe's result that go into pytest-json-report's metadata.
JSON_KEYS = (
    "probe", "model", "verdict", "passed", "accuracy", "lower_bound", "threshold", "chance", "sequences",
    "total_sequences", "horizon", "horizon_upper", "stopped", "seed", "run_profile", "device", "reproduce",
    "passes", "passes_needed", "pass_probability",
)


def json_metadata(results: list[ProbeResult]) -> dict[str, Any]:
    """``{"rnncheck": [...]}`` for pytest-json-report: per probe the verdict, numbers and findings."""
    documents = [r.to_dict() for r in results]  # JSON, as the document holds them
    return {
        "rnncheck": [
            {**{key: d.get(key) for key in JSON_KEYS}, "pathologies": [dict(p) for p in d["pathologies"]]}
            for d in documents
        ]
    }


def html_extras(results: list[ProbeResult]) -> list[dict[str, Any]]:
    """pytest-html extras: per probe its explanation (text) and its learning curve (PNG)."""
    from pytest_html import extras  # only called when pytest-html is loaded

    found = []
    for r in results:
        found.append(extras.text("\n".join(report.explain(r)), name=f"rnncheck {r.probe}"))
        png = curve_png(r)
        if png is not None:
            found.append(extras.png(base64.b64encode(png).decode("ascii"), name=f"rnncheck {r.probe} learning curve"))
    return found


def curve_png(r: ProbeResult) -> bytes | None:
    """The probe's learning curve as the HTML report draws it; None without a curve or matplotlib."""
    if not r.curve:
        return None
    try:
        from .html_report import check_matplotlib, curve_figure

        check_matplotlib()
        return curve_figure(r)
    except Exception:  # no matplotlib (or no display backend): the text extra still says it all
        return None
