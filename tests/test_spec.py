"""Probe specs: validation, names as the user wrote them, CLI expressions."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_rnncheck.spec import ENCODINGS, ProbeSpecError, make_spec, parse_expression


def test_names_read_like_the_call():
    assert make_spec("echo").name == "echo()"
    assert make_spec("lag", 2).name == "lag(2)"
    assert make_spec("invert", 1).name == "invert(1)"
    assert make_spec("invert").name == "invert(1)"
    assert make_spec("lag", 2, encoding="raw").name == "lag(2, encoding='raw')"
    assert make_spec("lag", 1, min_accuracy=0.8, vocab=10).name == "lag(1, vocab=10, min_accuracy=0.8)"


@pytest.mark.parametrize(
    "call, words",
    [
        (lambda: make_spec("lag"), "needs n"),
        (lambda: make_spec("lag", 0), "integer >= 1"),
        (lambda: make_spec("lag", 1.5), "integer >= 1"),
        (lambda: make_spec("echo", 1), "takes no lag"),
        (lambda: make_spec("invert", -1), "integer >= 0"),
        (lambda: make_spec("lag", 1, vocabulary=3), "unknown option 'vocabulary'"),
        (lambda: make_spec("lag", 1, encoding="ascii"), "encoding='ascii' is not valid"),
        (lambda: make_spec("lag", 1, min_accuracy=1.5), "min_accuracy=1.5 is not valid"),
        (lambda: make_spec("lag", 1, vocab=1), "vocab=1 is not valid"),
        (lambda: make_spec("lag", 1, budget=0), "budget=0 is not valid"),
        (lambda: make_spec("invert", 1, vocab=3), "invert works on bits"),
        (lambda: make_spec("repeat", 1), "unknown probe 'repeat'"),
    ],
)
def test_bad_calls_name_what_is_wrong(call, words):
    with pytest.raises(ProbeSpecError, match=words.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_expressions_parse_like_markers():
    assert parse_expression("lag(2)") == make_spec("lag", 2)
    assert parse_expression(" invert(1, min_accuracy=0.9) ") == make_spec("invert", 1, min_accuracy=0.9)
    assert parse_expression("echo()") == make_spec("echo")


@pytest.mark.parametrize(
    "text, words",
    [
        ("lag(2", "write it like a call"),
        ("lag", "write it like a call"),
        ("os.system('x')", "write it like a call"),
        ("1 + 2", "write it like a call"),
        ("lag(n)", "arguments must be plain numbers or strings"),
        ("lag(**{'a': 1})", "'\\*\\*' is not allowed"),
    ],
)
def test_malformed_expressions_are_rejected_with_what_to_write(text, words):
    with pytest.raises(ProbeSpecError, match=words):
        parse_expression(text)


specs = st.one_of(
    st.builds(lambda o: make_spec("echo", **o), st.just({})),
    st.builds(
        lambda n, enc, vocab, acc: make_spec("lag", n, encoding=enc, vocab=vocab, min_accuracy=acc),
        st.integers(1, 20),
        st.sampled_from((None,) + ENCODINGS),
        st.one_of(st.none(), st.integers(2, 500)),
        st.floats(0.05, 1.0),
    ),
    st.builds(
        lambda n, t: make_spec("invert", n, timesteps=t), st.integers(0, 5), st.one_of(st.none(), st.integers(1, 64))
    ),
)


@given(specs)
def test_a_name_parses_back_to_the_same_probe(spec):
    assert parse_expression(spec.name) == spec


def test_memory_is_named_with_its_max_lag_keyword():
    assert make_spec("memory", max_lag=16).name == "memory(max_lag=16)"
    spec = make_spec("memory", 8, min_horizon=4)
    assert spec.n == 8 and spec.name == "memory(max_lag=8, min_horizon=4)"
    assert parse_expression(spec.name) == spec
    assert spec.call_args() == ((), {"max_lag": 8, "min_horizon": 4})


def test_the_lag_can_be_given_by_keyword_but_only_once():
    assert make_spec("lag", n=3) == make_spec("lag", 3)
    assert make_spec("invert", n=0).n == 0
    assert make_spec("memory", max_lag=5).n == 5
    assert make_spec("memory", n=5) == make_spec("memory", max_lag=5)  # n names any probe's lag
    with pytest.raises(ProbeSpecError, match=r"echo\(\) takes no lag: use lag\(n\)"):
        make_spec("echo", n=1)
    with pytest.raises(ProbeSpecError, match=r"lag\(\) takes one lag, got 2"):
        make_spec("lag", 2, n=3)
    with pytest.raises(ProbeSpecError, match=r"takes one lag, got 2"):
        make_spec("lag", 1, 2)


@pytest.mark.parametrize("output", [0, 1, "head"])
def test_an_output_is_an_index_from_zero_or_a_layer_name(output):
    assert make_spec("lag", 1, output=output).output == output


@pytest.mark.parametrize("output", [-1, "", True, 1.5])
def test_a_bad_output_is_refused(output):
    with pytest.raises(ProbeSpecError, match="output=.* is not valid; output is the which output"):
        make_spec("lag", 1, output=output)


@pytest.mark.parametrize(
    "key, value",
    [("tolerance", 0.01), ("tolerance", 3), ("min_accuracy", 1), ("min_accuracy", 0.001), ("seed", 0),
     ("budget", 1), ("timesteps", 1), ("vocab", 2), ("feature", 0)],
)
def test_the_least_and_greatest_allowed_values_are_accepted(key, value):
    assert getattr(make_spec("lag", 1, **{key: value}), key) == value


def test_the_least_min_horizon_is_one():
    assert make_spec("memory", max_lag=4, min_horizon=1).min_horizon == 1
    with pytest.raises(ProbeSpecError, match="min_horizon=0 is not valid"):
        make_spec("memory", max_lag=4, min_horizon=0)


@pytest.mark.parametrize(
    "key, value",
    [("tolerance", 0), ("tolerance", -0.5), ("tolerance", float("inf")), ("tolerance", True), ("tolerance", "0.1"),
     ("min_accuracy", 0), ("min_accuracy", True), ("min_accuracy", "0.9"), ("min_accuracy", float("nan")),
     ("seed", -1), ("timesteps", True), ("timesteps", 2.0), ("budget", 1.5), ("feature", -1), ("causal", 1)],
)
def test_values_outside_the_range_or_of_the_wrong_type_are_refused(key, value):
    with pytest.raises(ProbeSpecError, match=rf"^lag\(\): {key}=.* is not valid"):
        make_spec("lag", 1, **{key: value})


def test_unknown_options_are_all_named_with_the_options_there_are():
    with pytest.raises(ProbeSpecError) as error:
        make_spec("lag", 1, vocabulary=3, lr=0.1)
    assert str(error.value).startswith(
        "lag(): unknown option 'lr', 'vocabulary'; options are vocab, encoding, timesteps,"
    )


def test_min_horizon_belongs_to_memory_and_reaches_at_most_max_lag():
    assert make_spec("memory", max_lag=4, min_horizon=4).min_horizon == 4
    with pytest.raises(ProbeSpecError, match=r"memory\(\): min_horizon=5 is beyond max_lag=4"):
        make_spec("memory", max_lag=4, min_horizon=5)
    with pytest.raises(ProbeSpecError, match=r"lag\(\): min_horizon belongs to memory\(max_lag=K, min_horizon=H\)"):
        make_spec("lag", 2, min_horizon=1)


def test_an_unknown_probe_lists_every_probe_there_is():
    with pytest.raises(ProbeSpecError) as error:
        make_spec("repeat", 1)
    assert str(error.value) == (
        "unknown probe 'repeat': rnncheck knows echo(), lag(n), invert(n=1), xor(n), "
        "memory(max_lag=K, min_horizon=None), selective_copy(k=1), recall(pairs=4), flipflop()"
    )


@pytest.mark.parametrize(
    "expression, timesteps, name",
    [("selective_copy(4, timesteps=9)", 9, "selective_copy(4, timesteps=9)"),
     ("recall(pairs=3, timesteps=7)", 7, "recall(pairs=3, timesteps=7)"),
     ("flipflop(timesteps=3)", 3, "flipflop(timesteps=3)")],
)
def test_a_structured_probe_accepts_exactly_its_shortest_window(expression, timesteps, name):
    spec = parse_expression(expression)  # the least window: k markers after k data, one query after the pairs
    assert (spec.timesteps, spec.name) == (timesteps, name)
