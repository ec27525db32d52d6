"""End to end: tiny models trained on small budgets, through a real pytest
subprocess (TensorFlow state stays out of this process). Runs plain and -n 2."""

import json
import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration  # leave out with -m "not integration"

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

MODELS = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def build_model():
    return keras.Sequential([keras.Input((8, 100)), layers.LSTM(32),
                             layers.Dense(100, activation="softmax")])


def one_step():
    return keras.Sequential([keras.Input((1, 100)), layers.LSTM(32),
                             layers.Dense(100, activation="softmax")])


@rnncheck.lag(2)
def test_remembers_two_steps_back(rnncheck):
    rnncheck(build_model)


@rnncheck.echo()
@rnncheck.lag(1)
def test_two_probes(rnncheck):
    rnncheck(build_model)


@rnncheck.lag(1)
def test_one_timestep(rnncheck):
    rnncheck(one_step)
"""

KEYS = {
    "nodeid", "model", "probe", "passed", "accuracy", "threshold", "chance",
    "sequences", "seconds", "seed", "pathologies",
}
MODES = {"plain": [], "xdist": ["-n", "2"]}


@pytest.fixture(params=sorted(MODES))
def mode(request):
    return MODES[request.param]


def run(pytester, *args):
    return pytester.runpytest_subprocess("--rnncheck", "-p", "no:randomly", *args)


def accuracies(path):
    doc = json.loads(Path(path).read_text())
    return {(r["nodeid"], r["probe"]): r["accuracy"] for r in doc["results"]}


@pytest.mark.smoke  # also in the lowest-versions CI job
def test_the_readme_example_passes_and_one_timestep_fails(pytester, mode):
    pytester.makepyfile(test_models=MODELS)
    result = run(pytester, "--rnncheck-report=report.json", *mode)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*rnncheck: lag(1) FAIL for one_step*",
            "*missing-context: each sample holds 1 timestep, but lag(1) needs x?t-1?*",
            "*fix: feed at least 2 timesteps per sample*",
            "*reproduce: pytest --rnncheck --rnncheck-seed=0 'test_models.py::test_one_timestep'*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*= rnncheck =*",
            "test*probe*acc*need*chance*verdict*findings*secs",
            "test_models.py::test_one_timestep*lag(1)*-*0.90*FAIL*missing-context*",
            "test_models.py::test_remembers_two_steps_back*lag(2)*0.9*pass*",
            "test_models.py::test_two_probes*echo()*pass*",
            "test_models.py::test_two_probes*lag(1)*pass*",
        ]
    )
    if not mode:  # the output is a pipe, as in a CI log: a line per probe as it ends (xdist's workers print none)
        result.stdout.fnmatch_lines_random(
            [
                "rnncheck: lag(2) on build_model: pass, acc *, need 0.90, * seq, * s",
                "rnncheck: echo() on build_model: pass, acc *",
                "rnncheck: lag(1) on one_step: FAIL, acc -, need 0.90, 0 seq, * s [[]missing-context[]]",
            ]
        )
    doc = json.loads((pytester.path / "report.json").read_text())
    assert doc["version"] == 1 and doc["seed"] == 0 and doc["backend"] == os.environ.get("KERAS_BACKEND", "tensorflow")
    assert len(doc["results"]) == 4
    for entry in doc["results"]:
        assert KEYS <= set(entry)
    failed = [r for r in doc["results"] if not r["passed"]]
    assert [p["code"] for p in failed[0]["pathologies"]] == ["missing-context"]
    assert set(failed[0]["pathologies"][0]) == {"code", "severity", "message", "fix"}


def test_same_seed_same_accuracies_plain_or_parallel(pytester):
    pytester.makepyfile(test_models=MODELS)
    run(pytester, "--rnncheck-seed=5", "--rnncheck-report=a.json", "-k", "two_steps")
    run(pytester, "--rnncheck-seed=last", "--rnncheck-report=b.json", "-k", "two_steps", "-n", "2")
    quiet = run(pytester, "--rnncheck-seed=6", "--rnncheck-report=c.json", "-k", "two_steps", "-q")
    assert "rnncheck: lag(2) on build_model" not in quiet.stdout.str()  # -q: a log line only on a long probe
    a, b, c = (accuracies(pytester.path / name) for name in ("a.json", "b.json", "c.json"))
    assert a == b
    seeds = [json.loads((pytester.path / name).read_text())["seed"] for name in ("a.json", "b.json", "c.json")]
    assert seeds == [5, 5, 6]  # 'last' replayed 5 under xdist too; 6 is a different run


def test_bad_inputs_fail_clearly_and_the_other_tests_still_run(pytester, mode):
    pytester.makepyfile(
        test_bad="""
        import keras
        from keras import layers
        from pytest_rnncheck import rnncheck

        class Sub(keras.Model):
            def __init__(self):
                super().__init__()
                self.rnn, self.out = layers.GRU(8), layers.Dense(4, activation="softmax")

            def call(self, x):
                return self.out(self.rnn(x))

        def raises():
            raise ValueError("units must be positive")

        def two_inputs():
            a, b = keras.Input((4, 3)), keras.Input((4, 3))
            return keras.Model([a, b], layers.LSTM(2)(layers.Concatenate()([a, b])))

        def tiny():
            return keras.Sequential([keras.Input((4, 4)), layers.LSTM(8), layers.Dense(4, activation="softmax")])

        @rnncheck.echo()
        def test_not_a_model(rnncheck):
            rnncheck("model.keras")

        @rnncheck.echo()
        def test_factory_returns_junk(rnncheck):
            rnncheck(lambda: 42)

        @rnncheck.echo()
        def test_factory_raises(rnncheck):
            rnncheck(raises)

        @rnncheck.echo()
        def test_two_inputs(rnncheck):
            rnncheck(two_inputs)

        @rnncheck.echo()
        def test_subclassed_instance(rnncheck):
            model = Sub()
            model(keras.ops.zeros((1, 4, 4)))
            rnncheck(model)

        @rnncheck.echo()
        def test_subclassed_without_options(rnncheck):
            rnncheck(Sub)

        @rnncheck.echo(vocab=4, encoding="onehot", timesteps=4)
        def test_subclassed_with_options(rnncheck):
            rnncheck(Sub)

        @rnncheck.echo()
        def test_healthy(rnncheck):
            rnncheck(tiny)
        """
    )
    result = run(pytester, "--rnncheck-report=r.json", *mode)
    result.assert_outcomes(passed=2, failed=6)
    result.stdout.fnmatch_lines_random(
        [
            "*rnncheck() got builtins.str; it takes a keras.Model or a zero-argument function*",
            "*model factory <lambda>() returned builtins.int; it must return a keras.Model*",
            "*model factory raises() raised ValueError: units must be positive*",
            "*has 2 inputs; a probe feeds one sequence input*",
            "*cannot clone * to train a fresh copy*pass a zero-argument factory instead*",
            "*declares no input shape*set encoding= and vocab= on the probe*",
        ]
    )
    assert "Traceback" not in result.stdout.str()
    doc = json.loads((pytester.path / "r.json").read_text())
    errors = [r for r in doc["results"] if r["verdict"] == "error"]
    assert len(errors) == 6 and not any(r["passed"] for r in errors)


SEED_FILES = [str(EXAMPLES / "test_healthy.py"), str(EXAMPLES / "test_seed_questions.py")]  # test_modern.py: the demo's


def test_healthy_examples_pass_with_no_finding_at_both_of_two_seeds(pytester):
    result = pytester.runpytest_subprocess(
        "--rnncheck", "--rnncheck-strict", "--rnncheck-seeds=2", "--rnncheck-report=r.json", "-k", "not broken",
        "-p", "no:cacheprovider", *SEED_FILES,
    )
    result.assert_outcomes(passed=8, deselected=3)
    result.stdout.fnmatch_lines(["*test_lstm_remembers_two_steps_back*lag(2, seeds=2)*pass 2/2*"])
    doc = json.loads((pytester.path / "r.json").read_text())
    assert len(doc["results"]) == 9 and all(r["passes"] == r["passes_needed"] == 2 for r in doc["results"])
    assert all(len({run["seed"] for run in r["seeds"]}) == 2 and not r["pathologies"] for r in doc["results"])
    assert all("--rnncheck-seeds=2" in r["reproduce"] for r in doc["results"])


SEEDED = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


class Positions(layers.Layer):
    \"\"\"A learned table of positions with ``rows`` entries, added to each step.\"\"\"

    def __init__(self, rows, width, **kwargs):
        super().__init__(**kwargs)
        self.table = layers.Embedding(rows, width)

    def call(self, x):
        return x + self.table(keras.ops.arange(keras.ops.shape(x)[1]))


def small():
    return keras.Sequential([keras.Input((4, 10)), layers.LSTM(8), layers.Dense(10, activation="softmax")])


def per_step_lstm():
    return keras.Sequential([keras.Input((None, 2)), layers.LSTM(32, return_sequences=True),
                             layers.Dense(2, activation="softmax")])


def attention_with_8_positions():
    inputs = keras.Input((None, 10))
    x = Positions(8, 32)(layers.Dense(32)(inputs))
    x = layers.LayerNormalization()(x + layers.MultiHeadAttention(2, 16)(x, x, use_causal_mask=True))
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy")
    return model


@rnncheck.echo(vocab=10, seeds=2)
def test_echo_twice(rnncheck):
    rnncheck(small)


@rnncheck.lag(1, vocab=10, seeds=2, min_pass_rate=1.5)
def test_bad_rate(rnncheck):
    rnncheck(small)


@rnncheck.xor(2, extrapolate=4)
def test_lstm_xor_four_times_longer(rnncheck):
    rnncheck(per_step_lstm)


@rnncheck.lag(1, vocab=10, timesteps=8, extrapolate=4)
def test_positions_table_too_short(rnncheck):
    rnncheck(attention_with_8_positions)


@rnncheck.lag(2, extrapolate=2)
def test_fixed_window(rnncheck):
    rnncheck(small)
"""


def test_seeds_and_extrapolate_give_the_same_results_plain_or_parallel(pytester):
    pytester.makepyfile(test_seeded=SEEDED)
    plain = run(pytester, "--rnncheck-report=a.json")
    plain.assert_outcomes(passed=2, failed=2, errors=1)
    plain.stdout.fnmatch_lines_random([
        "*lag(): min_pass_rate=1.5 is not valid*",
        "*extrapolate=2 judges the model at 8 steps, but small takes exactly 4*",
        "*length-generalization: lag(1, vocab=10, timesteps=8) passes at the 8 steps it trained on*",
        "*running it at 32 steps failed inside Keras (*indices*)*Embedding 'embedding' has 8 rows*",
    ])
    run(pytester, "--rnncheck-report=b.json", "-n", "2").assert_outcomes(passed=2, failed=2, errors=1)

    def rows(name):
        return {r["nodeid"].split("::")[1]: r for r in json.loads((pytester.path / name).read_text())["results"]}

    a, b = rows("a.json"), rows("b.json")
    trainings = [(t["seed"], t["accuracy"], t["sequences"]) for t in a["test_echo_twice"]["seeds"]]
    assert trainings == [(t["seed"], t["accuracy"], t["sequences"]) for t in b["test_echo_twice"]["seeds"]]
    echo = a["test_echo_twice"]
    assert len({seed for seed, _, _ in trainings}) == 2 and echo["seed"] == trainings[0][0] and echo["passes"] == 2
    xor = a["test_lstm_xor_four_times_longer"]["extrapolation"]
    assert xor == b["test_lstm_xor_four_times_longer"]["extrapolation"]
    assert xor["passed"] and xor["judged_timesteps"] == 4 * xor["trained_timesteps"] and len(xor["buckets"]) == 4
    assert all(bucket["accuracy"] >= 0.9 for bucket in xor["buckets"])
    short = a["test_positions_table_too_short"]
    assert (
        short["verdict"] == "fail" and short["extrapolation"]["passed_at_trained"] and short["extrapolation"]["error"]
    )
    assert [p["code"] for p in short["pathologies"]] == ["length-generalization"]



def test_broken_examples_fail_naming_their_causes(pytester):
    result = pytester.runpytest_subprocess(
        "--rnncheck", "-k", "broken", "-p", "no:cacheprovider", "--runxfail", "--rnncheck-report=r.json", *SEED_FILES
    )
    result.assert_outcomes(failed=3, deselected=8)
    out = result.stdout.str()
    found = {r["model"]: r["pathologies"] for r in json.loads((pytester.path / "r.json").read_text())["results"]}
    # seed 000: SimpleRNN(2) on raw integers, one timestep, lag 2
    assert "output width is 2 (SimpleRNN)" in out
    assert "tanh output of SimpleRNN spans (-1, 1); targets span 0..99" in out
    assert "each sample holds 1 timestep, but lag(2, vocab=100, encoding='raw') needs x[t-2]" in out
    # seed 001: the GRU state as output, stateful, one bit per batch: the head is the proven cause,
    # and the one-step training (never tested behind a proven head error) is not claimed
    assert "output width is 16 (GRU)" in out
    assert not any("one step at a time" in p["message"] for p in found["stateful_bit_gru"])
    # seed 002: stateful LSTM, one timestep per batch, trained and failed; a control run shows why
    assert "training one step at a time is what fails" in out
    assert "the same model made stateless and fed 2-step windows reached" in out
    assert [p["code"] for p in found["stateful_one_step_lstm"]][0] == "missing-context"


STATEFUL = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def stateful_gru(rate):
    def build():
        model = keras.Sequential([keras.Input((1, 10), batch_size=16), layers.GRU(32, stateful=True),
                                  layers.Dense(10, activation="softmax")])
        model.compile(keras.optimizers.Adam(rate), "categorical_crossentropy")
        return model
    return build


@rnncheck.lag(1)
def test_at_1e3(rnncheck):
    rnncheck(stateful_gru(0.001))


@rnncheck.lag(1)
def test_at_1e2(rnncheck):
    rnncheck(stateful_gru(0.01))
"""


def test_a_stateful_model_fed_one_step_per_batch_that_can_learn_passes_without_a_missing_context_claim(pytester):
    """A plain train_on_batch loop takes this model to 0.99 at Adam(1e-3) (and collapses at 0.01, a rate
    problem): the one-step training is no proof, and a remedy at a lower rate is what 0.01 needs."""
    pytester.makepyfile(test_stateful=STATEFUL)
    result = run(pytester, "--rnncheck-report=report.json")
    result.assert_outcomes(passed=2)
    assert "missing-context" not in result.stdout.str() and "batch boundary" not in result.stdout.str()
    rows = {r["nodeid"].split("::")[1]: r for r in json.loads((pytester.path / "report.json").read_text())["results"]}
    assert rows["test_at_1e3"]["pathologies"] == [] == rows["test_at_1e2"]["pathologies"]
    first, *remedies = rows["test_at_1e2"]["attempts"]
    assert not first["passed"] and remedies and remedies[-1]["passed"] and remedies[-1]["learning_rate"] < 0.01


WARNED = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def sigmoid_head():
    return keras.Sequential([keras.Input((4, 1)), layers.LSTM(16), layers.Dense(1, activation="sigmoid")])


def exploding():
    model = keras.Sequential([keras.Input((6, 1)), layers.SimpleRNN(8), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e6), loss="mse")
    return model


@rnncheck.echo(vocab=3, encoding="raw", min_accuracy=0.5)
def test_passes_with_a_range_warning(rnncheck):
    rnncheck(sigmoid_head)


@rnncheck.lag(1, vocab=10, encoding="raw")
def test_loss_explodes(rnncheck):
    rnncheck(exploding)
"""


def test_findings_on_a_passing_probe_warn_and_strict_fails_them(pytester):
    pytester.makepyfile(test_warned=WARNED)
    result = run(pytester, "-W", "default")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines_random(
        [
            (
                "*RnnCheckWarning: echo(vocab=3, encoding='raw', min_accuracy=0.5) passed for sigmoid_head "
                "with findings: activation-range*"
            ),
            "*test_passes_with_a_range_warning*pass (warn)*activation-range*",
            "*[[]error[]] non-finite-loss: the loss became * after * training sequences; training stopped there*",
        ]
    )
    assert "constant-output" not in result.stdout.str()  # NaN predictions are no evidence
    strict = run(pytester, "--rnncheck-strict", "-k", "warning")
    strict.assert_outcomes(failed=1)
    strict.stdout.fnmatch_lines(["*FAIL (strict)*activation-range*"])


@pytest.mark.smoke  # also in the lowest-versions CI job
def test_a_model_that_drops_the_past_inside_a_lambda_fails_on_its_measured_reach(pytester):
    pytester.makepyfile(
        test_control="""
        import keras
        from keras import layers
        from pytest_rnncheck import rnncheck

        def last_step_only():
            return keras.Sequential([keras.Input((8, 20)), layers.Lambda(lambda x: x[:, -1:, :]),
                                     layers.LSTM(16), layers.Dense(20, activation="softmax")])

        @rnncheck.lag(2, budget=20000)
        def test_lag(rnncheck):
            rnncheck(last_step_only)
        """
    )
    result = run(pytester, "--rnncheck-report=report.json")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*not trained: proven impossible from the configuration and the measured reach*",
            "*missing-context: the output at t depends on x?t? only (measured by changing one input step at a "
            "time on * fresh initialisation(s)); lag(2, budget=20000) needs x?t-2?*",
        ]
    )
    (row,) = json.loads((pytester.path / "report.json").read_text())["results"]
    assert row["stopped"] == "static" and row["sequences"] == 0 and row["receptive_field"] == 1


GATED = """
import keras
from keras import layers


def build():
    return keras.Sequential([keras.Input((8, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")])


def one_step():
    return keras.Sequential([keras.Input((1, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")])
"""


def test_models_gated_from_the_command_line_without_a_test_file(pytester, mode):
    pkg = pytester.mkpydir("pkg")
    (pkg / "models.py").write_text(GATED)
    result = run(
        pytester,
        "--rnncheck-model=pkg.models:build",
        "--rnncheck-model=pkg/models.py:one_step",
        "--rnncheck-probe=lag(2)",
        "--rnncheck-probe=echo(min_accuracy=0.8)",
        "--rnncheck-report=gate.json",
        "--junitxml=junit.xml",
        *mode,
    )
    result.assert_outcomes(passed=3, failed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines_random(
        [
            "*pkg.models:build?lag(2)?*pass*",
            "*pkg.models:build?echo(min_accuracy=0.8)?*pass*",
            "*pkg/models.py:one_step?lag(2)?*FAIL*missing-context*",
            (
                "*reproduce: pytest --rnncheck --rnncheck-seed=0 --rnncheck-model=pkg/models.py:one_step "
                "--rnncheck-probe=*"
            ),
        ]
    )
    doc = json.loads((pytester.path / "gate.json").read_text())
    assert sorted(r["nodeid"] for r in doc["results"]) == [
        "rnncheck::pkg.models:build[echo(min_accuracy=0.8)]",
        "rnncheck::pkg.models:build[lag(2)]",
        "rnncheck::pkg/models.py:one_step[echo(min_accuracy=0.8)]",
        "rnncheck::pkg/models.py:one_step[lag(2)]",
    ]
    junit = (pytester.path / "junit.xml").read_text()
    for prop in ("lag(2).accuracy", "lag(2).threshold", "lag(2).chance", "lag(2).verdict", "lag(2).pathologies"):
        assert f'name="rnncheck.{prop}"' in junit
    assert 'name="rnncheck.lag(2).pathologies" value="missing-context"' in junit
    # -k selects among them like any test
    run(
        pytester, "--rnncheck-model=pkg.models:build", "--rnncheck-probe=echo()", "--rnncheck-probe=lag(2)",
        "-k", "echo",
    ).assert_outcomes(passed=1, deselected=1)


@pytest.mark.parametrize(
    "args, words",
    [
        (["--rnncheck-model=pkg.nope:build", "--rnncheck-probe=lag(2)"], "no module named 'pkg.nope'"),
        (["--rnncheck-model=pkg.models:nope", "--rnncheck-probe=lag(2)"], "pkg.models has no 'nope'"),
        (["--rnncheck-model=pkg/missing.py:build", "--rnncheck-probe=lag(2)"], "no file pkg/missing.py"),
        (["--rnncheck-model=pkg.models", "--rnncheck-probe=lag(2)"], "write MODULE:FACTORY"),
        (["--rnncheck-model=pkg.models:build", "--rnncheck-probe=lag(2"], "cannot read probe expression 'lag(2'"),
        (["--rnncheck-model=pkg.models:build", "--rnncheck-probe=lag(2, vocabulary=3)"], "unknown option 'vocabulary'"),
        (["--rnncheck-model=pkg.models:build"], "--rnncheck-probe (e.g. --rnncheck-probe='lag(2)') is needed too"),
    ],
)
def test_bad_gate_arguments_are_one_line_usage_errors(pytester, args, words):
    pkg = pytester.mkpydir("pkg")
    (pkg / "models.py").write_text("def build():\n    raise AssertionError('not called at start-up')\n")
    result = pytester.runpytest_subprocess("--rnncheck", *args)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: rnncheck: *{words}*".replace("[", "?")])
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


MEASURED = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def causal_conv():
    return keras.Sequential([keras.Input((12, 10)), layers.Conv1D(16, 3, padding="causal"),
                             layers.Dense(10, activation="softmax")])


def bidirectional():
    return keras.Sequential([keras.Input((8, 10)), layers.Bidirectional(layers.LSTM(8, return_sequences=True)),
                             layers.Dense(10, activation="softmax")])


def frozen():
    return keras.Sequential([keras.Input((6, 10)), layers.LSTM(24, trainable=False),
                             layers.Dense(10, activation="softmax")])


@rnncheck.lag(4)
def test_conv_cannot_see_four_back(rnncheck):
    rnncheck(causal_conv)


@rnncheck.lag(1, causal=True)
def test_bidirectional_looks_ahead(rnncheck):
    rnncheck(bidirectional)


@rnncheck.lag(1, budget=12000)
def test_frozen_lstm(rnncheck):
    rnncheck(frozen)
"""


def test_measured_reach_fails_without_training_and_a_control_run_names_a_frozen_layer(pytester):
    pytester.makepyfile(test_measured=MEASURED)
    result = run(pytester, "--rnncheck-report=report.json")
    result.assert_outcomes(failed=3)
    rows = {r["nodeid"].split("::")[1]: r for r in json.loads((pytester.path / "report.json").read_text())["results"]}
    conv, ahead, frozen = (
        rows["test_conv_cannot_see_four_back"], rows["test_bidirectional_looks_ahead"], rows["test_frozen_lstm"]
    )
    assert conv["stopped"] == "static" and conv["sequences"] == 0 and conv["receptive_field"] == 3
    assert conv["pathologies"][0]["code"] == "missing-context" and "x[t-2..t] only" in conv["pathologies"][0]["message"]
    assert ahead["stopped"] == "static" and ahead["pathologies"][0]["code"] == "future-leak"
    assert "Bidirectional(LSTM)" in ahead["pathologies"][0]["message"]
    assert [p["code"] for p in frozen["pathologies"]] == ["frozen-layer"]
    assert "every layer trainable reached" in frozen["pathologies"][0]["message"]
    lstm = [layer for layer in frozen["layers"] if layer["kind"] == "LSTM"][0]
    assert lstm["trainable"] is False and lstm["update_ratio"] == 0  # the flight recorder's evidence
    assert frozen["curve"] and frozen["curve"][-1]["sequences"] == frozen["sequences"]


def test_a_memory_profile_reports_the_horizon_within_the_receptive_field(pytester):
    pytester.makepyfile(
        test_memory="""
        import keras
        from keras import layers
        from pytest_rnncheck import rnncheck

        def causal_conv():
            return keras.Sequential([keras.Input((12, 10)), layers.Conv1D(32, 3, padding="causal", activation="relu"),
                                     layers.Dense(10, activation="softmax")])

        @rnncheck.memory(max_lag=8)
        def test_profile(rnncheck):
            rnncheck(causal_conv)

        @rnncheck.memory(max_lag=8, min_horizon=4)
        def test_needs_four(rnncheck):
            rnncheck(causal_conv)

        @rnncheck.memory(max_lag=8)
        def test_one_step(rnncheck):
            rnncheck(lambda: keras.Sequential([keras.Input((1, 10)), layers.LSTM(8),
                                               layers.Dense(10, activation="softmax")]))
        """
    )
    result = run(pytester, "--rnncheck-report=report.json")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*test_profile*memory(max_lag=8)*2/3*pass*"])
    rows = {r["nodeid"].split("::")[1]: r for r in json.loads((pytester.path / "report.json").read_text())["results"]}
    profile = rows["test_profile"]
    assert (profile["horizon"], profile["receptive_field"]) == (2, 3)
    assert [(e["lag"], e["passed"]) for e in profile["profile"]] == [(2, True)]  # the top lag in reach passed: done
    needs = rows["test_needs_four"]
    assert needs["verdict"] == "fail" and needs["horizon"] == 2
    result.stdout.fnmatch_lines(["*horizon 2 (needed: 4): the largest lag that passed; receptive field 3*"])
    one_step = rows["test_one_step"]  # horizon 0 without training, and the finding that explains it
    assert (one_step["horizon"], one_step["receptive_field"], one_step["sequences"]) == (0, 1, 0)
    assert [p["code"] for p in one_step["pathologies"]] == ["missing-context"]
    assert one_step["profile"][0]["stopped"] == "static"


MEMORY = """
import os
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def conv():
    kernel = int(os.environ["KERNEL"])
    return keras.Sequential([keras.Input((None, 6)), layers.Conv1D(32, kernel, padding="causal", activation="relu"),
                             layers.Conv1D(6, 1, activation="softmax")])


@rnncheck.memory(max_lag=6)
def test_memory(rnncheck):
    rnncheck(conv)
"""


def test_a_saved_run_gates_the_next_one_on_the_horizon_and_the_html_report_is_written(pytester, monkeypatch):
    pytest.importorskip("matplotlib")
    pytester.makepyfile(test_memory=MEMORY)
    monkeypatch.setenv("KERNEL", "5")  # receptive field 5: horizon 4
    saved = run(pytester, "--rnncheck-save=base", "--rnncheck-report=before.json")
    saved.assert_outcomes(passed=1)
    saved.stdout.fnmatch_lines(
        ["*test_memory.py::test_memory*memory(max_lag=6)*4/5*pass*", "rnncheck run saved: .rnncheck/0001_base.json"]
    )
    assert json.loads((pytester.path / "before.json").read_text())["results"][0]["horizon"] == 4

    monkeypatch.setenv("KERNEL", "2")  # the model shrinks: receptive field 2, horizon 1
    gated = run(pytester, "--rnncheck-compare-fail=horizon:1,sequences:2x", "--rnncheck-html=out/report.html",
                "--rnncheck-report=after.json")
    assert gated.ret == 1  # every probe passed, the regression fails the run
    gated.stdout.fnmatch_lines([
        "compared with .rnncheck/0001_base.json (saved *, seed 0; this run seed 0)",
        "test_memory.py::test_memory memory(max_lag=6)",
        "    horizon 4 -> 1 (-3)  REGRESSION (horizon:1)",
        "1 probe(s) changed, 0 unchanged, 1 regression(s)",
        "rnncheck: 1 regression(s) under --rnncheck-compare-fail=horizon:1,sequences:2x: the run fails",
        "rnncheck HTML report: out/report.html",
    ])
    page = (pytester.path / "out" / "report.html").read_text()
    assert "memory profile of memory(max_lag=6)" in page and ">1/2<" in page
    # the comparison is in both reports, not only on the terminal
    assert 'Compared with .rnncheck/0001_base.json: <span class="fail">1 regression(s)</span>' in page
    assert '<span class="fail">regressed</span>' in page and "both runs of memory(max_lag=6)" in page
    compared = json.loads((pytester.path / "after.json").read_text())["compare"]
    (probe,) = compared["probes"]
    assert (
        compared["regressions"] == 1
        and probe["regression"]
        and (probe["before"]["horizon"], probe["after"]["horizon"]) == (4, 1)
    )
    assert "horizon 4 -> 1 (-3)  REGRESSION (horizon:1)" in probe["lines"]

    shown = run(pytester, "--rnncheck-compare=base")  # shown without rules: the run passes
    assert shown.ret == 0
    shown.stdout.fnmatch_lines(["    horizon 4 -> 1 (-3)"])


DELAY_LINE = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def conv():  # one linear causal Conv1D spanning the window, a softmax per step: time-invariant
    return keras.Sequential([keras.Input((16, 12)), layers.Conv1D(12, 16, padding="causal"), layers.Softmax()])


@rnncheck.lag(2)
@rnncheck.selective_copy(4, budget=40000)
def test_delay_line(rnncheck):
    rnncheck(conv)
"""


def test_a_time_invariant_model_passes_lag_but_fails_selective_copy(pytester):
    pytester.makepyfile(test_delay=DELAY_LINE)
    result = run(pytester, "--rnncheck-report=report.json")
    result.assert_outcomes(failed=1)
    rows = {r["probe"]: r for r in json.loads((pytester.path / "report.json").read_text())["results"]}
    assert rows["lag(2)"]["verdict"] == "pass"
    copy = rows["selective_copy(4, budget=40000)"]
    assert copy["verdict"] == "fail" and copy["accuracy"] < 0.7 and copy["chance"] < 0.15


DIAGNOSE_SCRIPT = """
import numpy as np
from pytest_rnncheck import diagnose


def build():
    import keras

    model = keras.Sequential([keras.Input((6, 1)), keras.layers.LSTM(8), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    return model


x = np.random.default_rng(0).normal(size=(256, 6, 1)).astype("float32")
found = diagnose(build, x, x[:, -2, :])
print("notes:", found.notes)
"""


@pytest.mark.smoke  # also in the lowest-versions CI job
def test_diagnose_in_a_script_prints_no_native_tensorflow_lines(tmp_path):
    import subprocess
    import sys

    from pytest_rnncheck.backend import NATIVE_LOG

    script = tmp_path / "script.py"
    script.write_text(DIAGNOSE_SCRIPT)
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "short fit on a copy" in done.stdout  # the fit that prints the runtime's lines did run
    native = [line for line in done.stderr.splitlines() if NATIVE_LOG.match(line) or "absl::InitializeLog" in line]
    assert native == []


SLOW = """
import keras
from keras import layers
from pytest_rnncheck import rnncheck


def build_model():
    return keras.Sequential([keras.Input((8, 100)), layers.LSTM(32), layers.Dense(100, activation="softmax")])


def two_units():
    return keras.Sequential([keras.Input((6, 20)), layers.LSTM(2), layers.Dense(20, activation="softmax")])


@rnncheck.lag(2)
def test_healthy(rnncheck):
    rnncheck(build_model)


@rnncheck.lag(3, vocab=20)
def test_too_small_to_pass_quickly(rnncheck):
    rnncheck(two_units)
"""


def test_the_quick_profile_passes_a_healthy_model_and_skips_what_it_could_not_settle(pytester):
    pytester.makepyfile(test_slow=SLOW)
    result = run(pytester, "--rnncheck-profile=quick", "--rnncheck-report=report.json", "-rs")
    result.assert_outcomes(passed=1, skipped=1)
    result.stdout.fnmatch_lines([
        "*rnncheck *: probes on, *--rnncheck-profile=quick*",
        "*test_too_small_to_pass_quickly*inconclusive*undertrained (quick*",
        "SKIPPED*rnncheck: lag(3, vocab=20) INCONCLUSIVE for two_units*",
    ])
    rows = {r["nodeid"].split("::")[1]: r for r in json.loads((pytester.path / "report.json").read_text())["results"]}
    slow = rows["test_too_small_to_pass_quickly"]
    assert slow["verdict"] == "inconclusive" and not slow["passed"]
    assert slow["run_profile"] == "quick" and len(slow["attempts"]) == 1  # no learning-rate remedy
    assert slow["total_sequences"] <= 16_000 + 2_048  # a quarter of the default 64,000, to the next look
    (finding,) = [p for p in slow["pathologies"] if p["code"] == "undertrained"]
    assert "ran under the quick profile" in finding["message"] and "--rnncheck-profile=ci" in finding["fix"]
    assert "--rnncheck-profile=quick" in slow["reproduce"]
    assert rows["test_healthy"]["passed"]
