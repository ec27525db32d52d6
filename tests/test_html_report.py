"""The HTML report: one self-contained page with the table, the plots and the findings,
rendered by a real headless browser."""

import builtins
import os
import re
import shutil

import pytest

from pytest_rnncheck.errors import RnnCheckError
from pytest_rnncheck.result import ProbeResult

pytest.importorskip("matplotlib")

from pytest_rnncheck import html_report  # noqa: E402


def curve(points):
    return [{"sequences": 2048 * (i + 1), "accuracy": a, "loss": 2.0 - a, "distinct": 10} for i, a in enumerate(points)]


def result(**fields):
    base = {
        "nodeid": "tests/test_m.py::test_lstm", "model": "lstm", "probe": "lag(2)", "passed": True, "verdict": "pass",
        "accuracy": 0.97, "lower_bound": 0.955, "upper_bound": 0.98, "threshold": 0.9, "chance": 0.1,
        "sequences": 8192, "total_sequences": 8192, "attempts": [], "seconds": 1.5, "seed": 12, "stopped": "passed",
        "receptive_field": None, "horizon": None, "profile": [], "curve": curve([0.1, 0.4, 0.8, 0.97]),
        "layers": [], "pathologies": [], "notes": [], "error": None, "reproduce": "",
    }
    return {**base, **fields}


FAILING = result(
    nodeid="tests/test_m.py::test_tanh <script>", probe="lag(1)", passed=False, verdict="fail", accuracy=0.12,
    lower_bound=0.1, stopped="plateau", curve=curve([0.1, 0.11, 0.12]),
    pathologies=[{"code": "activation-range", "severity": "error", "message": "tanh output cannot reach 1..99",
                  "fix": "use a softmax head"}],
)
MEMORY = result(
    probe="memory(max_lag=8)", stopped="profile", curve=[], horizon=4, receptive_field=9,
    profile=[{"lag": 8, "accuracy": 0.3, "lower_bound": 0.27, "upper_bound": 0.33, "passed": False, "sequences": 64000,
              "stopped": "plateau", "pathologies": [], "curve": curve([0.1, 0.3])},
             {"lag": 4, "accuracy": 0.96, "lower_bound": 0.94, "upper_bound": 0.97, "passed": True, "sequences": 8192,
              "stopped": "passed", "pathologies": [], "curve": curve([0.5, 0.96])}],
)
DOCUMENT = {"version": 1, "seed": 12, "backend": "tensorflow", "results": [result(), FAILING, MEMORY]}


def compared_document():
    """DOCUMENT compared with a saved run where the memory profile reached horizon 8 (now 4)."""
    from pytest_rnncheck import compare

    before = dict(MEMORY, horizon=8, profile=[dict(entry, passed=True, accuracy=0.95) for entry in MEMORY["profile"]])
    rules = compare.parse_rules("horizon:1")
    typed = ProbeResult.from_dict  # the runs' results as read from their documents
    changes = compare.compare([typed(before), typed(result())], [typed(r) for r in DOCUMENT["results"]], rules)
    return dict(
        DOCUMENT,
        compare=compare.to_document(changes, ".rnncheck/0001_big.json", {"at": "2026-12-01"}, (12, 12), 1, rules, []),
    )


def test_the_page_is_self_contained_and_escapes_what_users_wrote():
    page = html_report.page(DOCUMENT)
    assert not re.search(r"(src|href)=\"(https?:)?//", page)  # nothing fetched from the network
    assert "<script" not in page  # the test id's text is escaped, and the page needs no script
    assert "test_tanh &lt;script&gt;" in page
    assert page.count('src="data:image/png;base64,') == 4  # two learning curves, the profile, its lags' curves
    assert "activation-range" in page and "use a softmax head" in page and "tanh output cannot reach 1..99" in page
    assert "3 probe(s), 2 passed" in page and "--rnncheck-seed=12" in page
    assert ">4/9<" in page  # horizon / receptive field in the summary table


def test_without_matplotlib_the_message_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    with pytest.raises(RnnCheckError, match=r"needs matplotlib.*pytest-rnncheck\[html\]"):
        html_report.check_matplotlib()


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@pytest.mark.skipif(
    not os.environ.get("RNNCHECK_REQUIRE_BROWSER") and chromium() is None,
    reason="no Chromium on this machine (.ci/run installs it and sets RNNCHECK_REQUIRE_BROWSER)",
)
def test_a_headless_browser_renders_the_report_with_its_plots_and_no_console_errors(tmp_path):
    if os.environ.get("RNNCHECK_REQUIRE_BROWSER"):  # CI: a missing browser is a failure, not a skip
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "report.html"
    html_report.write_html(path, compared_document())
    messages = []
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=flags)
        try:
            page = browser.new_page()
            page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
            page.on("requestfailed", lambda request: messages.append(f"requestfailed: {request.url}"))
            page.goto(path.as_uri())
            images = page.evaluate(
                "Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])"
            )
            rows = page.locator("table").first.locator("tbody tr").count()
            heading = page.locator("h1").inner_text()
            compared = page.locator("#compare h2").inner_text()
            red = page.locator("#compare h2 .fail").evaluate("e => getComputedStyle(e).color")
            flagged = page.locator("table").first.locator("tbody tr", has_text="regressed").count()
        finally:
            browser.close()
    assert messages == []
    assert heading == "rnncheck report" and rows == 3
    assert compared == "Compared with .rnncheck/0001_big.json: 1 regression(s)" and red == "rgb(207, 34, 46)"
    assert flagged == 1  # the memory probe's row says it regressed beside its "pass"
    assert [alt for alt, *_ in images] == [
        "both runs of memory(max_lag=8)",
        "learning curve of lag(1)", "learning curve of lag(2)", "memory profile of memory(max_lag=8)",
        "learning curve of each lag of memory(max_lag=8)",
    ]
    assert all(complete and width >= 300 and height >= 150 for _, complete, width, height in images)


needs_browser = pytest.mark.skipif(
    not os.environ.get("RNNCHECK_REQUIRE_BROWSER") and chromium() is None,
    reason="no Chromium on this machine (.ci/run installs it and sets RNNCHECK_REQUIRE_BROWSER)",
)


@needs_browser
def test_notebook_cells_render_in_a_headless_browser_with_their_plots_and_boxes(tmp_path):
    """What Jupyter shows for a ProbeResult, diagnose()'s findings and the callback's report: each
    object's _repr_html_ inside a notebook-like page."""
    if os.environ.get("RNNCHECK_REQUIRE_BROWSER"):
        from playwright import sync_api
    else:
        sync_api = pytest.importorskip("playwright.sync_api")
    import numpy as np

    from pytest_rnncheck.diagnosis.pathology import Pathology
    from pytest_rnncheck.notebook import Findings, TrainingFindings, result_html
    from pytest_rnncheck.own_training import Targets, look

    targets = Targets.read(np.linspace(0, 200, 50), 1)
    epochs = [look(k, 900.0 / k, np.full((50, 1), 0.99), targets) for k in range(1, 5)]
    finding = Pathology(
        "activation-range", "error", "the tanh output spans (-1, 1), but y spans 0..200", "use a linear output"
    )
    cells = [
        result_html(ProbeResult.from_dict(FAILING)),
        Findings([finding], ["read as continuous inputs"])._repr_html_(),
        TrainingFindings([finding], ["watched 4 epoch(s) over 1 fit call(s)"], epochs, {"layers": []})._repr_html_(),
    ]
    path = tmp_path / "notebook.html"
    path.write_text('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>cells</title></head><body>'
                    + "".join(f'<div class="output">{c}</div>' for c in cells) + "</body></html>", encoding="utf-8")
    messages = []
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
            page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
            page.goto(path.as_uri())
            images = page.evaluate("Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth])")
            boxes = page.locator(".rnncheck .finding").count()
            border = page.locator(".rnncheck .finding").first.evaluate("e => getComputedStyle(e).borderLeftColor")
            epoch_rows = page.locator(".output").nth(2).locator("tbody tr").count()
            verdict = page.locator(".output").first.locator("span.fail").first.inner_text()
        finally:
            browser.close()
    assert messages == []
    assert [alt for alt, *_ in images] == ["learning curve of lag(1)"] and all(ok and w >= 300 for _, ok, w in images)
    assert boxes == 3 and border == "rgb(207, 34, 46)"
    assert epoch_rows == 4 and verdict == "FAIL"


def test_the_page_says_where_the_run_was_made():
    machine = {"python": "3.13.0", "cpu_count": 2, "device": "cpu:0", "packages": {"keras": "3.15.1", "numpy": "2.5.5"}}
    commit = {"id": "0123456789abcdef0123", "dirty": True, "branch": "main"}
    page = html_report.page(dict(DOCUMENT, machine_info=machine, commit_info=commit))
    assert (
        "Python 3.13.0, keras 3.15.1, numpy 2.5.5, device cpu:0, 2 CPU core(s), commit 0123456789ab "
        "(uncommitted changes)"
    ) in page
    assert "CPU core" not in html_report.page(DOCUMENT)  # a document from before machine info: no line


def test_the_comparison_comes_first_regressions_first_with_both_runs_on_one_plot():
    page = html_report.page(compared_document())
    assert page.index('id="compare"') < page.index("<table")  # above the summary table
    section = page[page.index('id="compare"'):page.index("</section>")]
    assert (
        '<span class="fail">REGRESSION</span> <strong>tests/test_m.py::test_lstm</strong> &middot; memory(max_lag=8)'
    ) in section
    assert "horizon 8 -&gt; 4 (-4)  REGRESSION (horizon:1)" in section
    assert section.count("data:image/png") == 1  # both runs' profiles on one plot
    assert section.index("REGRESSION") < section.index("new probe: not in the saved run")  # regressions first
    assert "Compared with" not in html_report.page(DOCUMENT)


def test_the_page_reads_as_the_terminal_failures_first_each_finding_once_numbers_rounded():
    warned = result(nodeid="tests/test_m.py::test_warned", pathologies=[
        {"code": "future-leak", "severity": "warning", "message": "sees x[t+1]", "fix": "causal=True"}])
    remedied = result(
        nodeid="tests/test_m.py::test_remedied", sequences=4096, accuracy=0.93, curve=curve([0.5, 0.93]),
        attempts=[{"learning_rate": 0.02, "sequences": 64000, "accuracy": 0.4, "lower_bound": 0.38, "passed": False,
                   "stopped": "plateau", "z": 2.8},
                  {"learning_rate": 0.006, "sequences": 4096, "accuracy": 0.93, "lower_bound": 0.92, "passed": True,
                   "stopped": "passed", "z": 3.0}],
    )
    page = html_report.page(dict(DOCUMENT, results=[result(), warned, FAILING, remedied]))
    assert '<span class="warn">pass (warn)</span>' in page and '<span class="fail">FAIL</span>' in page
    table = page[page.index("<table"):page.index("</table>")]
    assert table.index("test_tanh") < table.index("test_warned") < table.index("test_lstm")  # failures first
    assert page.count("tanh output cannot reach 1..99") == 1 and page.count("use a softmax head") == 1  # once
    assert "<td>0.006</td>" in page  # the remedy's rate as given, in the attempts table
    assert html_report.decisive_attempt(ProbeResult.from_dict(remedied)) == " (attempt 2 of 2, learning rate 0.006)"
    assert html_report.decisive_attempt(ProbeResult.from_dict(result())) == ""  # one attempt: nothing to name
