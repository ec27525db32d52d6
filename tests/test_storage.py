"""Saved runs in .rnncheck/: numbering, finding one by 'last', number or name, clear errors."""

import datetime
import json

import pytest

from pytest_rnncheck import storage
from pytest_rnncheck.errors import RnnCheckError

DOC = {"version": 1, "seed": 0, "backend": "tensorflow", "results": [{"nodeid": "t.py::a", "probe": "lag(2)"}]}
NOON = datetime.datetime(2026, 11, 27, 12, 0, 0, tzinfo=datetime.timezone.utc)


def test_runs_are_numbered_in_order_and_keep_the_document_and_when(tmp_path):
    first = storage.save(tmp_path, "base", DOC, NOON)
    second = storage.save(tmp_path, None, DOC, NOON)
    assert first.name == "0001_base.json"
    assert second.name == "0002_20261127T120000Z.json"  # no name: the time
    saved = json.loads(second.read_text())
    assert saved["results"] == DOC["results"]
    assert saved["saved"] == {"name": "20261127T120000Z", "number": 2, "at": "2026-11-27T12:00:00+00:00"}
    assert storage.saved_runs(tmp_path) == [first, second]


def test_numbers_continue_after_the_highest_even_with_gaps_and_other_files(tmp_path):
    (tmp_path / "0009_old.json").write_text(json.dumps(DOC))
    (tmp_path / "notes.txt").write_text("not a run")
    (tmp_path / "10_short.json").write_text("{}")  # fewer than four digits: not ours
    assert storage.save(tmp_path, "next", DOC, NOON).name == "0010_next.json"
    assert [p.name for p in storage.saved_runs(tmp_path)] == ["0009_old.json", "0010_next.json"]


def test_find_by_last_number_name_or_file_name(tmp_path):
    a = storage.save(tmp_path, "base", DOC, NOON)
    b = storage.save(tmp_path, "after", DOC, NOON)
    assert storage.find(tmp_path, "last") == b
    assert storage.find(tmp_path, "1") == storage.find(tmp_path, "0001") == a
    assert storage.find(tmp_path, "base") == a
    assert storage.find(tmp_path, "0002_after") == storage.find(tmp_path, "0002_after.json") == b


def test_the_newest_run_of_a_repeated_name_is_found(tmp_path):
    storage.save(tmp_path, "nightly", DOC, NOON)
    newest = storage.save(tmp_path, "nightly", DOC, NOON)
    assert storage.find(tmp_path, "nightly") == newest


def test_nothing_saved_or_an_unknown_name_says_what_to_do(tmp_path):
    with pytest.raises(RnnCheckError, match=r"no saved run in .*--rnncheck-save"):
        storage.find(tmp_path / ".rnncheck", "last")
    storage.save(tmp_path, "base", DOC, NOON)
    with pytest.raises(RnnCheckError, match=r"no saved run named 'nope' .*latest: 0001_base"):
        storage.find(tmp_path, "nope")


@pytest.mark.parametrize("name", ["tests/", "../x", "a b", "-x", "", "x" * 101])
def test_run_names_must_be_file_name_safe(name):
    with pytest.raises(RnnCheckError, match="is not a run name"):
        storage.check_name(name)


def test_a_file_that_is_not_a_run_is_a_clear_error(tmp_path):
    bad = tmp_path / "0001_bad.json"
    bad.write_text("{not json")
    with pytest.raises(RnnCheckError, match="not a readable rnncheck run"):
        storage.load(bad)
    bad.write_text('{"version": 1}')
    with pytest.raises(RnnCheckError, match="no 'results' list"):
        storage.load(bad)
    good = storage.save(tmp_path, "good", DOC, NOON)
    assert storage.load(good)["results"] == DOC["results"]


def test_the_messages_read_in_full(tmp_path):
    with pytest.raises(RnnCheckError) as bad_name:
        storage.check_name("tests/")
    assert str(bad_name.value) == (
        "'tests/' is not a run name: use letters, digits, '.', '_' or '-' (starting with a letter or digit, at most "
        "100 characters); a path right after --rnncheck-save is read as its name: write --rnncheck-save=NAME, or put "
        "the flag after the paths"
    )
    with pytest.raises(RnnCheckError) as nothing:
        storage.find(tmp_path, "last")
    assert str(nothing.value) == (
        f"--rnncheck-compare: no saved run in {tmp_path}: save one first with --rnncheck-save[=NAME] "
        "(or commit/restore that folder in CI)"
    )
    for name in "abcdef":
        storage.save(tmp_path, name, DOC, NOON)
    with pytest.raises(RnnCheckError) as unknown:
        storage.find(tmp_path, "g")
    assert str(unknown.value) == (
        f"--rnncheck-compare: no saved run named 'g' in {tmp_path} (latest: 0002_b, 0003_c, 0004_d, 0005_e, 0006_f); "
        "give 'last', a run number or a name given to --rnncheck-save (a path right after --rnncheck-compare is "
        "read as the name: write --rnncheck-compare=NAME)"
    )
    assert storage.find(tmp_path, "last").name == "0006_f.json"


def test_a_name_of_a_hundred_characters_is_the_longest():
    assert storage.check_name("x" * 100) == "x" * 100


def test_saving_makes_the_folder_keeps_numpy_numbers_and_reads_as_indented_json(tmp_path):
    import numpy as np

    folder = tmp_path / "project" / ".rnncheck"
    doc = {**DOC, "results": [{"accuracy": np.float32(0.5), "sequences": np.int64(2048), "where": tmp_path}]}
    path = storage.save(folder, "n", doc)
    text = path.read_text()
    assert text.startswith('{\n  "version": 1,\n  "seed": 0,') and text.endswith("}\n")
    saved = json.loads(text)
    assert saved["results"][0] == {"accuracy": 0.5, "sequences": 2048, "where": str(tmp_path)}
    assert saved["saved"]["at"].endswith("+00:00")  # the time is UTC, so runs from anywhere sort alike
