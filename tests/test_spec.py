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


@pytest.mark.parametrize("text", ["lag(2", "lag", "os.system('x')", "lag(n)", "lag(**{'a': 1})", "1 + 2"])
def test_malformed_expressions_are_rejected(text):
    with pytest.raises(ProbeSpecError):
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
    st.builds(lambda n, t: make_spec("invert", n, timesteps=t), st.integers(0, 5), st.one_of(st.none(), st.integers(1, 64))),
)


@given(specs)
def test_a_name_parses_back_to_the_same_probe(spec):
    assert parse_expression(spec.name) == spec
