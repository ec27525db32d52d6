"""Across the rules: none fires on a healthy model, the findings that only follow from another, the
ranking, the registry, certainty and the codes' documentation."""

import numpy as np
import pytest
from geometries import GRU, HEALTHY, LSTM, STATEFUL_LSTM, LayerInfo, dense, seq

from pytest_rnncheck.diagnosis import (
    CODES,
    ERROR,
    Pathology,
    diagnose_static,
)
from pytest_rnncheck.plan import plan_probe
from pytest_rnncheck.spec import make_spec

PROBES = [make_spec("echo"), make_spec("lag", 1), make_spec("lag", 3), make_spec("invert", 1)]

SIMPLE_RNN2 = LayerInfo("SimpleRNN", "tanh", True, units=2)


def static(spec, geometry):
    return diagnose_static(spec, plan_probe(spec, geometry), geometry)


@pytest.mark.parametrize("name", sorted(HEALTHY))
@pytest.mark.parametrize("spec", PROBES, ids=lambda s: s.name)
def test_no_static_rule_fires_on_a_healthy_model(name, spec):
    assert static(spec, HEALTHY[name]) == []


def test_softmax_over_one_unit_is_a_range_error_and_its_constant_output_only_its_consequence():
    for geometry in (seq("a", 4, 1, LSTM, dense(1, "softmax")), seq("b", 8, 1, GRU, dense(1, "softmax"), rank=3)):
        found = static(make_spec("invert", 1), geometry)
        assert [p.code for p in found] == ["activation-range"] and found[0].certain


def test_a_reach_measured_through_a_head_that_no_input_changes_is_not_a_missing_context_finding():
    from pytest_rnncheck.reach import ReachMap

    spec = make_spec("lag", 2)
    one_unit = seq("a", 8, 1, LSTM, dense(1, "softmax"))
    constant = ReachMap(np.zeros((1, 8), bool), np.zeros((1, 8)), np.array([7]), 2)  # no step reaches the output
    assert constant.receptive_field() == 0
    assert [p.code for p in diagnose_static(spec, plan_probe(spec, one_unit), one_unit, constant)] == [
        "activation-range"
    ]
    healthy_head = seq("b", 8, 1, LSTM, dense(1, "sigmoid"))  # the same reach without a head error is a finding
    found = diagnose_static(spec, plan_probe(spec, healthy_head), healthy_head, constant)
    assert "missing-context" in [p.code for p in found]


def test_unknown_layers_are_not_accused():
    geometry = seq("custom", 8, 100, LayerInfo("MyMixer", None, None), dense(100), rank=3)
    assert static(make_spec("lag", 2), geometry) == []


def test_all_static_rules_run_and_the_surest_comes_first():
    # seed 000 as asked: SimpleRNN(2), raw integers, one step each, lag 2
    found = static(make_spec("lag", 2, vocab=100, encoding="raw"), seq("rnn2", 1, 1, SIMPLE_RNN2))
    assert [p.code for p in found] == ["output-shape", "activation-range", "missing-context"]


def test_findings_rank_proven_first_then_errors_then_by_code_and_unknown_codes_last():
    from pytest_rnncheck.diagnosis import WARNING, rank

    leak = Pathology("future-leak", WARNING, "m", "f")
    mine = Pathology("my-rule", ERROR, "m", "f")
    shape = Pathology("output-shape", ERROR, "m", "f")
    proven = Pathology("undertrained", ERROR, "m", "f", certain=True)
    assert rank([leak, mine, shape, proven]) == [proven, shape, mine, leak]
    warned = shape.as_warning()
    assert warned == Pathology("output-shape", WARNING, "m", "f") and shape.severity == ERROR
    assert shape.to_dict() == {"code": "output-shape", "severity": "error", "message": "m", "fix": "f"}


def test_a_masking_collision_is_named_instead_of_the_reach_it_distorts():
    masking = LayerInfo("Masking", None, False, mask_value=0.0)
    geometry = seq("m", 8, 1, masking, LSTM, dense(1, "sigmoid"))
    spec = make_spec("lag", 1)
    from pytest_rnncheck.reach import ReachMap

    blind = ReachMap(np.eye(1, 8, 7, dtype=bool), np.eye(1, 8, 7), np.array([7]), 2)  # sees x[t] only
    assert [p.code for p in diagnose_static(spec, plan_probe(spec, geometry), geometry, blind)] == ["masking-collision"]


#: Every finding a rule may call certain ("proven impossible", no training), and the proof it rests on.
#: A configuration alone is never enough: each is arithmetic on the head and targets, the window
#: against the lag, or a measured reach. Causes that need training come from a control run instead.
CERTAIN_EVIDENCE = {
    "output-shape": "the output's width or rank against what the targets need (Keras would broadcast)",
    "activation-range": "the activation's range against the target values (softmax over one unit is 1.0)",
    "constant-output": "softmax over one unit is 1.0 for every input",
    "missing-context": "a stateless window shorter than the lag, the measured reach, or only per-step layers",
    "position-blind": "the measured reach: reordering the steps leaves every output unchanged",
    "future-leak": "the measured reach: outputs depend on later steps, under causal=True",
    "loss-mismatch": (
        "the loss's arithmetic: targets it cannot read, or a categorical loss on one unit (0 for any output)"
    ),
}


def certain_codes(path):
    """Codes of the Pathology(...) calls in a module that pass certain= something other than False."""
    import ast

    from pytest_rnncheck.diagnosis import Code

    codes = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Pathology":
            certain = [k.value for k in node.keywords if k.arg == "certain"]
            if certain and not (isinstance(certain[0], ast.Constant) and certain[0].value is False):
                code = node.args[0]
                if isinstance(code, ast.Attribute) and getattr(code.value, "id", None) == "Code":
                    codes.add(Code[code.attr].value)  # Pathology(Code.OUTPUT_SHAPE, ...)
                else:
                    codes.add(code.value if isinstance(code, ast.Constant) else ast.unparse(code))
    return codes


def test_every_rule_that_can_claim_certainty_has_a_proof_listed_and_training_causes_never_do():
    from pathlib import Path

    import pytest_rnncheck

    package = Path(pytest_rnncheck.__file__).parent
    claimed = {}
    for path in sorted([*(package / "diagnosis").glob("*.py"), package / "user_data.py"]):
        for code in certain_codes(path):
            claimed.setdefault(code, []).append(path.name)
    assert set(claimed) == set(CERTAIN_EVIDENCE), claimed
    assert not certain_codes(package / "diagnosis" / "training_causes.py")  # control-run causes: shown, not proven
    assert "stateful_suspect" in (package / "diagnosis" / "missing_context.py").read_text()
    # the one rule that reads the configuration of a stateful model only raises a suspect
    from pytest_rnncheck.diagnosis.missing_context import stateful_suspect

    geometry = seq("stateful", 1, 100, STATEFUL_LSTM, dense(100), batch=5)
    (suspect,) = stateful_suspect(make_spec("lag", 1), plan_probe(make_spec("lag", 1), geometry))
    assert not suspect.certain and suspect.severity == "warning"


def test_the_new_codes_rank_with_the_others():
    assert CODES.index("raw-integer") < CODES.index("missing-context") and "label-imbalance" in CODES


# -- the codes, their documentation and the registry ------------------------------------------
def doc_text():
    from pathlib import Path

    import pytest_rnncheck

    return (Path(pytest_rnncheck.__file__).parent.parent / "docs" / "pathologies.md").read_text()


def test_every_code_has_its_section_in_the_docs_and_every_section_a_code():
    import re

    from pytest_rnncheck.diagnosis import Code

    sections = re.findall(r"^## `([a-z-]+)`$", doc_text(), flags=re.MULTILINE)
    assert len(sections) == len(set(sections))
    assert set(sections) == {code.value for code in Code}


def test_the_docs_table_lists_every_code_in_rank_order_with_the_enums_summary():
    import re

    from pytest_rnncheck.diagnosis import Code

    rows = re.findall(r"^\| `([a-z-]+)` \| (.+) \| (.+) \|$", doc_text(), flags=re.MULTILINE)
    assert [code for code, _, _ in rows] == list(CODES) == [code.value for code in Code]
    for code, summary, proven_by in rows:
        assert (Code(code).summary, Code(code).proven_by) == (summary, proven_by)


def test_codes_and_severities_are_their_strings_and_a_plain_string_becomes_one():
    import json

    from pytest_rnncheck.diagnosis import Code, Severity

    assert Code.OUTPUT_SHAPE == "output-shape" and f"{Code.OUTPUT_SHAPE}" == "output-shape"
    assert ERROR is Severity.ERROR == "error"
    finding = Pathology("loss-mismatch", "warning", "m", "f")
    assert finding.code is Code.LOSS_MISMATCH and finding.severity is Severity.WARNING
    assert (
        json.dumps(finding.to_dict()) == '{"code": "loss-mismatch", "severity": "warning", "message": "m", "fix": "f"}'
    )
    assert all(type(v) is str for v in finding.to_dict().values())
    mine = Pathology("my-rule", ERROR, "m", "f")  # a code no rule here knows stays a string
    assert mine.code == "my-rule" and type(mine.code) is str
    assert Pathology.from_dict(finding.to_dict()) == finding


def test_every_registered_rule_takes_the_evidence_alone_and_each_runs_once():
    import inspect

    from pytest_rnncheck.diagnosis import PHASES, RULES

    assert PHASES == ("static", "reach", "dynamic", "epochs", "data")
    rules = [rule for phase in PHASES for rule in RULES[phase]]
    assert len(rules) == len(set(rules))
    for rule in rules:
        assert list(inspect.signature(rule).parameters) == ["evidence"], rule.__name__


def test_run_runs_one_phase_in_order_and_each_rule_sees_the_findings_before_it():
    from pytest_rnncheck.diagnosis import Evidence, run

    spec = make_spec("invert", 1)
    one_unit = seq("a", 4, 1, LSTM, dense(1, "softmax"))
    evidence = Evidence(spec=spec, plan=plan_probe(spec, one_unit), geometry=one_unit)
    assert [p.code for p in run("static", evidence)] == ["activation-range"]  # its constant output follows from it
    alone = Evidence(spec=spec, plan=plan_probe(spec, one_unit), geometry=one_unit, found=())
    from pytest_rnncheck.diagnosis.constant_output import constant_by_construction

    assert [p.code for p in constant_by_construction(alone)] == ["constant-output"]
    assert run("reach", evidence) == []  # nothing measured
    assert run("dynamic", Evidence()) == [] and run("data", Evidence()) == []  # no evidence, no finding
    with pytest.raises(ValueError, match="no diagnosis phase 'later'"):
        run("later", evidence)


def test_the_dynamic_phase_speaks_only_of_what_its_evidence_shows():
    from pytest_rnncheck.diagnosis import Evidence, diagnose_non_finite, diagnose_undertrained, run

    lag = make_spec("lag", 16)
    plan = plan_probe(lag, HEALTHY["lstm_onehot"])
    diverged = Evidence(spec=lag, plan=plan, bad_loss=float("nan"), sequences=4096)
    assert run("dynamic", diverged) == diagnose_non_finite(plan, float("nan"), 4096)
    stalled = dict(accuracy=0.011, chance=0.01, total_sequences=64_000, stopped="budget", reach_shown=True)
    assert run("dynamic", Evidence(spec=lag, plan=plan, **stalled)) == diagnose_undertrained(
        lag, plan, 0.011, 0.01, 64_000, "budget", False, 1, True
    )
    # a cause named before it: the honest "no cause shown" is not said
    both = Evidence(spec=lag, plan=plan, bad_loss=float("inf"), sequences=512, **stalled)
    assert [p.code for p in run("dynamic", both)] == ["non-finite-loss"]
