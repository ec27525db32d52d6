"""What a user sees from the plugin itself: options, markers, skips, usage errors.
Nothing here trains a model."""

import re

import pytest

MARKED = """
from pytest_rnncheck import rnncheck

@rnncheck.lag(2)
def test_probe(rnncheck):
    rnncheck(lambda: None)

def test_plain():
    pass
"""


def test_marked_tests_are_skipped_without_the_flag(pytester):
    pytester.makepyfile(MARKED)
    result = pytester.runpytest("-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines(["*rnncheck: probes off*", "SKIPPED*run with --rnncheck*"])


def test_markers_are_registered_for_strict_markers_and_listed(pytester):
    pytester.makepyfile(MARKED)
    pytester.runpytest("--strict-markers").assert_outcomes(passed=1, skipped=1)
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.rnncheck(kind, *args, **options)*lag(n)*"])


def test_m_rnncheck_selects_the_probe_tests(pytester):
    pytester.makepyfile(MARKED)
    pytester.runpytest("-m", "rnncheck").assert_outcomes(skipped=1, deselected=1)


def test_a_bad_marker_option_errors_that_test_only(pytester):
    pytester.makepyfile(
        """
        from pytest_rnncheck import rnncheck

        @rnncheck.lag(2, vocabulary=10)
        def test_typo(rnncheck):
            rnncheck(None)

        def test_other():
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*bad rnncheck marker*lag(): unknown option 'vocabulary'; options are vocab*"])
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize("seed", ["-3", "abc"])
def test_a_bad_seed_is_a_usage_error(pytester, seed):
    pytester.makepyfile(MARKED)
    result = pytester.runpytest(f"--rnncheck-seed={seed}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*is not a seed: give an integer >= 0, 'last' or 'random'*"])


def test_ini_turns_the_probes_on_and_the_header_shows_the_seed(pytester):
    pytester.makeini("[pytest]\nrnncheck = true\nrnncheck_seed = 17\n")
    pytester.makepyfile(
        """
        def test_uses_fixture(rnncheck):
            assert rnncheck.settings.enabled and rnncheck.settings.seed == 17
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["rnncheck: probes on, --rnncheck-seed=17, backend *"])


def test_seed_last_replays_and_random_draws(pytester):
    pytester.makepyfile("def test_x(rnncheck):\n    print('SEED', rnncheck.settings.seed)\n")
    first = pytester.runpytest("--rnncheck", "--rnncheck-seed=random", "-s")
    seed = re.search(r"SEED (\d+)", first.stdout.str()).group(1)
    again = pytester.runpytest("--rnncheck", "--rnncheck-seed=last", "-s")
    again.stdout.fnmatch_lines([f"*SEED {seed}*"])


def test_probe_seeds_depend_on_base_seed_and_test_id_only(pytester):
    from pytest_rnncheck.plugin import ProbeRunner, Settings
    from pytest_rnncheck.spec import make_spec

    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    def seed(base, nodeid, spec):
        return ProbeRunner(Item(nodeid), Settings(True, base, None, False, None)).probe_seed(spec)

    lag = make_spec("lag", 2)
    assert seed(0, "t.py::a", lag) == seed(0, "t.py::a", lag)
    assert seed(0, "t.py::a", lag) != seed(1, "t.py::a", lag) != seed(0, "t.py::b", lag)
    assert seed(0, "t.py::a", make_spec("lag", 2, seed=5)) == 5


def test_calling_the_fixture_without_a_probe_says_how_to_mark(pytester):
    pytester.makepyfile("def test_x(rnncheck):\n    rnncheck(object())\n")
    result = pytester.runpytest("--rnncheck")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*names no probe: mark it, e.g. @rnncheck.lag(2)*"])


def test_loading_the_plugin_imports_neither_keras_nor_tensorflow(pytester):
    pytester.makepyfile(
        """
        import sys

        def test_nothing_heavy_loaded():
            assert "pytest_rnncheck.plugin" in sys.modules
            heavy = [m for m in ("keras", "tensorflow", "jax", "torch") if m in sys.modules]
            assert heavy == []
        """
    )
    pytester.runpytest_subprocess("--rnncheck").assert_outcomes(passed=1)


def test_the_plugin_can_be_turned_off(pytester):
    pytester.makepyfile("def test_x(request):\n    assert not request.config.pluginmanager.has_plugin('rnncheck')\n")
    pytester.runpytest_subprocess("-p", "no:rnncheck").assert_outcomes(passed=1)


def test_ini_gates_become_skipped_items_without_the_flag_and_import_nothing(pytester):
    pkg = pytester.mkpydir("pkg")
    (pkg / "models.py").write_text("raise AssertionError('imported although probes are off')\n")
    pytester.makeini("[pytest]\nrnncheck_models =\n    pkg.models:build\nrnncheck_probes =\n    lag(2)\n    echo()\n")
    result = pytester.runpytest("-rs", "-p", "no:python")
    result.assert_outcomes(skipped=2)
    result.stdout.fnmatch_lines(["SKIPPED*run with --rnncheck*"])
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:python")
    result.stdout.fnmatch_lines(["rnncheck::pkg.models:build?lag(2)?", "rnncheck::pkg.models:build?echo()?"])


def test_ini_gates_with_a_missing_module_are_a_usage_error_once_probes_run(pytester):
    pytester.makeini("[pytest]\nrnncheck_models = nowhere.models:build\nrnncheck_probes = lag(2)\n")
    result = pytester.runpytest("--rnncheck")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: rnncheck: --rnncheck-model=nowhere.models:build: no module named 'nowhere'"])
