"""The rooms' rules, read off the source: one Keras adapter, pure rooms that import neither
Keras nor pytest. A change that calls a model from elsewhere fails here, not in a user's CI."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "pytest_rnncheck"
#: The adapter, and the module that imports Keras for it (start-up lines filtered, seeding).
ADAPTER = {"keras_adapter.py", "backend.py"}
#: Methods that build, run, train or read a Keras model: only the adapter calls them.
MODEL_CALLS = {
    "train_on_batch", "predict_on_batch", "predict", "fit", "compile", "clone_model", "get_weights",
    "set_weights", "reset_state", "reset_states", "convert_to_numpy", "from_config", "get_config",
}
#: Receivers whose methods share a name with a model's (``re.compile``, a class's own ``self.predict``).
NOT_MODELS = {"re", "self"}
#: get_config() read for a setting (geometry: a loss's from_logits, an optimizer's rate) is not a call into
#: the model; these modules read configurations and are listed with what they read.
CONFIG_READERS = {"geometry.py": {"get_config"}}
PURE = (
    "kinds.py", "spec.py", "probes.py", "encoding.py", "verdict.py", "stopping.py", "plan.py", "reach.py",
    "recorder.py", "report.py", "compare.py", "storage.py", "seeds.py", "profile.py", "length.py",
    "own_training.py",
)


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py"))


def imported(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield ("." * node.level) + (node.module or "")
            yield from (("." * node.level) + (node.module or "") + "." + alias.name for alias in node.names)


def _is_type_of(node):
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "type"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_adapter_imports_or_calls_keras(path):
    if path.name in ADAPTER:
        return
    tree = ast.parse(path.read_text())
    names = set(imported(tree))
    assert not {n for n in names if n.split(".")[0] in ("keras", "tensorflow", "jax", "torch")}, names
    assert not {n for n in names if n.endswith("import_keras")}, "Keras is reached through keras_adapter"
    allowed = CONFIG_READERS.get(path.name, set())
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MODEL_CALLS
        and not (isinstance(node.func.value, ast.Name) and node.func.value.id in NOT_MODELS)
        and (node.func.attr != "from_config" or _is_type_of(node.func.value))  # type(model).from_config(...)
    }
    assert calls <= allowed, f"{path.name} calls {sorted(calls - allowed)} on a model: move it into keras_adapter.py"


@pytest.mark.parametrize("name", PURE)
def test_pure_rooms_import_neither_keras_nor_pytest_nor_the_adapter(name):
    names = set(imported(ast.parse((PACKAGE / name).read_text())))
    bad = {
        n for n in names
        if n.split(".")[0] in ("keras", "tensorflow", "pytest") or "keras_adapter" in n or "backend" in n
    }
    assert not bad, f"{name} imports {sorted(bad)}"
