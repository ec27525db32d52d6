"""Run profiles (``--rnncheck-profile``): what each changes, and that a verdict reached on a
smaller effort says so. Nothing here trains a model."""

import pytest

from pytest_rnncheck import report, run_profiles
from pytest_rnncheck.stopping import StopPolicy, default_budget

diagnosis = pytest.importorskip("pytest_rnncheck.diagnosis")


def test_ci_is_the_default_and_using_a_profile_is_undone_afterwards():
    assert run_profiles.active().name == "ci"
    with run_profiles.using(run_profiles.get("quick")) as quick:
        assert run_profiles.active() is quick
    assert run_profiles.active().name == "ci"


def test_an_unknown_profile_names_the_choices():
    with pytest.raises(
        run_profiles.UnknownProfile, match="unknown rnncheck profile 'nightly': choose one of quick, ci, thorough"
    ):
        run_profiles.get("nightly")


@pytest.mark.parametrize(("name", "budget", "extension"), [
    ("quick", default_budget(2) // 4, 0),
    ("ci", default_budget(2), default_budget(2)),
    ("thorough", 2 * default_budget(2), 4 * default_budget(2)),
])
def test_each_profile_scales_the_default_budget_and_its_extension(name, budget, extension):
    with run_profiles.using(run_profiles.get(name)):
        policy = StopPolicy.for_lag(2)
        assert (policy.budget, policy.extension) == (budget, extension)
        assert StopPolicy.for_lag(2, 5_000) == StopPolicy(budget=5_000, flat_allowance=policy.flat_allowance)


def test_an_undertrained_verdict_under_quick_says_it_settles_nothing_and_how_to_settle_it():
    from pytest_rnncheck.plan import plan_probe
    from pytest_rnncheck.spec import make_spec
    from geometries import HEALTHY

    lag = make_spec("lag", 2)
    plan = plan_probe(lag, HEALTHY["lstm_onehot"])
    quick = run_profiles.get("quick")
    (found,) = diagnosis.diagnose_undertrained(lag, plan, 0.3, 0.01, 16_000, "budget", True, 1, True, None, quick)
    assert found.message.endswith(
        "no cause was shown. This ran under the quick profile (a quarter of the default budget, no other learning "
        "rate, no control run), so it shows only that the model did not pass on that smaller effort"
    )
    assert found.fix.startswith("run it under the default profile (--rnncheck-profile=ci), which trains longer")
    (plain,) = diagnosis.diagnose_undertrained(lag, plan, 0.3, 0.01, 16_000, "budget", True, 1, True)
    assert "profile" not in plain.message


def test_the_table_marks_an_undertrained_verdict_of_the_quick_profile():
    row = {"pathologies": [{"code": "undertrained"}, {"code": "dropout"}], "run_profile": "quick"}
    from pytest_rnncheck.result import ProbeResult

    assert report.finding_codes(ProbeResult.from_dict(row)) == "undertrained (quick profile), dropout"
    assert report.finding_codes(ProbeResult.from_dict({**row, "run_profile": "ci"})) == "undertrained, dropout"


def test_a_quick_failure_with_no_cause_but_undertrained_is_inconclusive_and_nothing_else_is():
    from pytest_rnncheck.diagnosis.pathology import ERROR, WARNING, Pathology
    from pytest_rnncheck.result import ProbeResult

    def outcome(profile, *codes, warning=()):
        r = ProbeResult(model="m", probe="lag(2)", seed=0, threshold=0.9, run_profile=profile)
        r.pathologies = [Pathology(c, ERROR, "", "") for c in codes] + [Pathology(c, WARNING, "", "") for c in warning]
        return r

    assert outcome("quick", "undertrained").inconclusive
    assert outcome("quick", "undertrained", warning=("dropout",)).verdict == "inconclusive"
    assert not outcome("quick", "undertrained", "frozen-layer").inconclusive  # a shown cause fails
    assert not outcome("ci", "undertrained").inconclusive and outcome("ci", "undertrained").verdict == "fail"
    assert not outcome("quick").inconclusive  # nothing found at all is no licence either
    assert report.verdict_label(outcome("quick", "undertrained")) == "inconclusive"
