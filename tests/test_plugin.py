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
    result.stdout.fnmatch_lines(["rnncheck *: probes off*", "SKIPPED*run with --rnncheck*"])


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
    from importlib.metadata import version

    result.stdout.fnmatch_lines(
        [f"rnncheck {version('pytest-rnncheck')}: probes on, --rnncheck-seed=17, --rnncheck-profile=ci, backend *"]
    )


def test_the_run_profile_comes_from_the_flag_or_the_ini_and_a_bad_one_is_a_usage_error(pytester, monkeypatch):
    pytester.makeini("[pytest]\nrnncheck = true\nrnncheck_profile = quick\n")
    pytester.makepyfile(
        """
        import os

        def test_profile(rnncheck):
            assert rnncheck.settings.profile == os.environ["WANT"]
        """
    )
    monkeypatch.setenv("WANT", "quick")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*--rnncheck-profile=quick*"])
    monkeypatch.setenv("WANT", "thorough")
    pytester.runpytest("--rnncheck-profile=thorough").assert_outcomes(passed=1)
    bad = pytester.runpytest("--rnncheck-profile=fast")
    assert bad.ret == 4
    bad.stderr.fnmatch_lines(["*unknown rnncheck profile 'fast': choose one of quick, ci, thorough*"])
    pytester.makeini("[pytest]\nrnncheck = true\nrnncheck_profile = nightly\n")
    bad_ini = pytester.runpytest()
    assert bad_ini.ret == 4
    bad_ini.stderr.fnmatch_lines(["*ini setting rnncheck_profile: unknown rnncheck profile 'nightly'*"])


def test_seeds_come_from_the_flag_or_the_ini_apply_to_probes_without_their_own_and_a_bad_one_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\nrnncheck = true\nrnncheck_seeds = 3\n")
    pytester.makepyfile(
        """
        from pytest_rnncheck import rnncheck

        @rnncheck.lag(2)
        @rnncheck.echo(seeds=2)
        def test_seeds(rnncheck):
            specs = {spec.kind: spec for spec in rnncheck.specs(())}
            assert rnncheck.settings.seeds == 3
            assert specs["lag"].seeds == 3 and specs["echo"].seeds == 2  # a probe's own seeds= wins
            # the first training's seed is the probe's own: seeds leave the seed's derivation alone
            assert rnncheck.probe_seed(specs["lag"]) == rnncheck.probe_seed(specs["lag"].one_seed())
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*--rnncheck-profile=ci, --rnncheck-seeds=3, backend*"])
    pytester.runpytest("--rnncheck-seeds=3").assert_outcomes(passed=1)
    bad = pytester.runpytest("--rnncheck-seeds=0")
    assert bad.ret == 4
    bad.stderr.fnmatch_lines(["*'0' is not a number of trainings: give an integer >= 1*"])
    pytester.makeini("[pytest]\nrnncheck = true\nrnncheck_seeds = many\n")
    bad_ini = pytester.runpytest()
    assert bad_ini.ret == 4
    bad_ini.stderr.fnmatch_lines(["*ini setting rnncheck_seeds: 'many' is not a number of trainings*"])


def test_seed_last_replays_and_random_draws(pytester):
    pytester.makepyfile("def test_x(rnncheck):\n    print('SEED', rnncheck.settings.seed)\n")
    first = pytester.runpytest("--rnncheck", "--rnncheck-seed=random", "-s")
    seed = re.search(r"SEED (\d+)", first.stdout.str()).group(1)
    again = pytester.runpytest("--rnncheck", "--rnncheck-seed=last", "-s")
    again.stdout.fnmatch_lines([f"*SEED {seed}*"])


def test_probe_seeds_depend_on_base_seed_and_test_id_only(pytester):
    from pytest_rnncheck.fixture import ProbeFixture
    from pytest_rnncheck.settings import Settings
    from pytest_rnncheck.spec import make_spec

    class Item:
        def __init__(self, nodeid):
            self.nodeid = nodeid

    def seed(base, nodeid, spec):
        return ProbeFixture(Item(nodeid), Settings(True, base, None, False, None)).probe_seed(spec)

    lag = make_spec("lag", 2)
    assert seed(0, "t.py::a", lag) == seed(0, "t.py::a", lag)
    assert seed(0, "t.py::a", lag) != seed(1, "t.py::a", lag) != seed(0, "t.py::b", lag)
    assert seed(0, "t.py::a", make_spec("lag", 2, seed=5)) == 5


def test_calling_the_fixture_without_a_probe_says_how_to_mark(pytester):
    pytester.makepyfile("def test_x(rnncheck):\n    rnncheck(object())\n")
    result = pytester.runpytest("--rnncheck")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*names no probe: mark it, e.g. @rnncheck.lag(2)*"])


def test_loading_the_plugin_imports_neither_keras_nor_tensorflow(pytester, monkeypatch):
    pytester.makepyfile(
        """
        import sys

        def test_nothing_heavy_loaded():
            assert "pytest_rnncheck.plugin" in sys.modules
            heavy = [m for m in ("keras", "tensorflow", "jax", "torch", "numpy") if m in sys.modules]
            assert heavy == []  # numpy too: about 40 ms of every pytest run's start-up
        """
    )
    # only this plugin is loaded: another installed plugin that imports Keras is not our doing
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.runpytest_subprocess("-p", "pytest_rnncheck.plugin", "--rnncheck").assert_outcomes(passed=1)


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


def test_without_xdist_installed_pytest_still_starts(pytester):
    # -p no:xdist stands for a user who installed the plugin without pytest-xdist:
    # a hook of xdist's registered unconditionally would make pytest refuse to start.
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:xdist")
    result.assert_outcomes(passed=1)
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


@pytest.mark.parametrize(
    "ini, words",
    [
        ("rnncheck_seed = abc", "ini setting rnncheck_seed: 'abc' is not a seed"),
        ("rnncheck_seed = -1", "ini setting rnncheck_seed: '-1' is not a seed"),
        ("rnncheck = maybe", "ini setting rnncheck: *'maybe'*; use true or false"),
        ("rnncheck_strict = often", "ini setting rnncheck_strict: *'often'*; use true or false"),
        ("rnncheck_timeout = soon", "ini setting rnncheck_timeout: 'soon' is not a time limit*"),
        ("rnncheck_timeout = -5", "ini setting rnncheck_timeout: '-5' is not a time limit*"),
        ("rnncheck_in_process = perhaps", "ini setting rnncheck_in_process: *'perhaps'*; use true or false"),
        ("rnncheck_gc_freeze = sometimes", "ini setting rnncheck_gc_freeze: *'sometimes'*; use true or false"),
    ],
)
def test_a_bad_ini_value_is_a_one_line_usage_error_even_with_probes_off(pytester, ini, words):
    pytester.makeini(f"[pytest]\n{ini}\n")
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: rnncheck: {words}*"])
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()


@pytest.mark.skipif(int(pytest.__version__.split(".")[0]) < 9, reason="[tool.pytest] native TOML is pytest 9's")
def test_native_toml_settings_are_read_and_a_wrong_type_names_the_setting(pytester):
    pytester.makepyfile("def test_plain():\n    pass\n")
    pytester.makefile(".toml", pyproject='[tool.pytest]\nrnncheck_strict = true\nrnncheck_timeout = "60"\n')
    pytester.runpytest().assert_outcomes(passed=1)
    pytester.makefile(".toml", pyproject='[tool.pytest]\nrnncheck = "maybe"\n')
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["ERROR: rnncheck: ini setting rnncheck: *expects a bool*'maybe'*; use true or false"])


def test_setup_errors_get_error_rows_in_the_table_and_the_json(pytester):
    pytester.makepyfile(
        test_setup="""
        from pytest_rnncheck import rnncheck

        @rnncheck.lag(2, min_acuracy=0.9)
        def test_typo(rnncheck):
            rnncheck(None)

        def test_no_marker(rnncheck):
            rnncheck(None)
        """
    )
    result = pytester.runpytest("--rnncheck", "--rnncheck-report=report.json")
    result.assert_outcomes(failed=1, errors=1)
    result.stdout.fnmatch_lines_random(
        [
            "test_setup.py::test_typo*lag(2, min_acuracy=0.9)*ERROR*",
            "test_setup.py::test_no_marker*ERROR*(could not run)*",
        ]
    )
    import json

    rows = {r["nodeid"].split("::")[1]: r for r in json.loads((pytester.path / "report.json").read_text())["results"]}
    assert rows["test_typo"]["verdict"] == "error" and rows["test_typo"]["probe"] == "lag(2, min_acuracy=0.9)"
    assert "unknown option 'min_acuracy'" in rows["test_typo"]["error"]
    assert rows["test_no_marker"]["verdict"] == "error" and "names no probe" in rows["test_no_marker"]["error"]


def test_a_bad_timeout_flag_is_a_usage_error(pytester):
    pytester.makepyfile("def test_plain():\n    pass\n")
    result = pytester.runpytest("--rnncheck-timeout=never")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*'never' is not a time limit: give seconds >= 0 (0: no limit)*"])
