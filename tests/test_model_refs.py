"""MODULE:FACTORY references for --rnncheck-model (no Keras involved)."""

import pytest

from pytest_rnncheck.model_refs import ModelRefError, load_model_ref, parse_model_ref


@pytest.mark.parametrize(
    "text, module, attribute",
    [
        ("pkg.models:build", "pkg.models", "build"),
        ("models/lstm.py:make", "models/lstm.py", "make"),
        ("C:/work/m.py:Factory.create", "C:/work/m.py", "Factory.create"),
    ],
)
def test_references_split_at_the_last_colon(text, module, attribute):
    ref = parse_model_ref(text)
    assert (ref.module, ref.attribute, ref.text) == (module, attribute, f"{module}:{attribute}")


@pytest.mark.parametrize("text", ["pkg.models", ":build", "pkg.models:", "pkg:build()", "pkg:1x"])
def test_malformed_references_say_how_to_write_one(text):
    with pytest.raises(ModelRefError, match="write MODULE:FACTORY"):
        parse_model_ref(text)


@pytest.fixture
def clean_imports(monkeypatch):
    """Loading a reference adds to sys.path and sys.modules: undo it after the test."""
    import sys

    monkeypatch.setattr(sys, "path", list(sys.path))
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if name == "zoo" or name.startswith("rnncheck_models_"):
            del sys.modules[name]


def test_files_and_modules_load_and_missing_names_are_named(tmp_path, monkeypatch, clean_imports):
    (tmp_path / "zoo.py").write_text("class Factory:\n    @staticmethod\n    def create():\n        return 'model'\n")
    monkeypatch.chdir(tmp_path)
    assert load_model_ref(parse_model_ref("zoo.py:Factory.create"), tmp_path)() == "model"
    assert load_model_ref(parse_model_ref("zoo:Factory.create"), tmp_path)() == "model"
    with pytest.raises(ModelRefError, match="zoo has no 'build'"):
        load_model_ref(parse_model_ref("zoo:build"), tmp_path)
    with pytest.raises(ModelRefError, match="no file nowhere.py"):
        load_model_ref(parse_model_ref("nowhere.py:build"), tmp_path)
    (tmp_path / "broken.py").write_text("raise RuntimeError('half-written')\n")
    with pytest.raises(ModelRefError, match="raised RuntimeError: half-written"):
        load_model_ref(parse_model_ref("broken.py:build"), tmp_path)
