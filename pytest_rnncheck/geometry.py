"""What a Keras model looks like from outside, as plain data.

:func:`read_geometry` is the only place here that touches Keras; the
:class:`Geometry` it returns is plain data, so the fitting and diagnosis rules
that read it are pure and unit-tested with hand-made geometries.
"""

from __future__ import annotations

import dataclasses
from typing import Any

#: Layers that act on each timestep alone.
TIME_LOCAL = frozenset(
    """Dense EinsumDense Activation Dropout GaussianNoise GaussianDropout AlphaDropout
    SpatialDropout1D LayerNormalization BatchNormalization GroupNormalization
    UnitNormalization RMSNormalization Embedding InputLayer Masking ReLU Softmax
    LeakyReLU ELU PReLU Rescaling Identity TimeDistributed""".split()
)
#: Layers that carry or mix information across timesteps.
TIME_MIXING = frozenset(
    """LSTM GRU SimpleRNN RNN Bidirectional ConvLSTM1D MultiHeadAttention
    GroupQueryAttention Attention AdditiveAttention GlobalAveragePooling1D
    GlobalMaxPooling1D Flatten MaxPooling1D AveragePooling1D
    Conv1DTranspose""".split()
)
CONVOLUTIONS = frozenset({"Conv1D", "SeparableConv1D", "DepthwiseConv1D"})
ATTENTION = frozenset({"MultiHeadAttention", "GroupQueryAttention", "Attention", "AdditiveAttention"})
RECURRENT = frozenset({"LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM1D"})
#: Layers that pass values through unchanged in range.
PASS_THROUGH = frozenset(
    """Dropout GaussianDropout AlphaDropout SpatialDropout1D Reshape Flatten Permute
    Identity Masking InputLayer""".split()
)
ACTIVATION_LAYERS = {"ReLU": "relu", "Softmax": "softmax", "ELU": "elu", "LeakyReLU": "leaky_relu"}


@dataclasses.dataclass(frozen=True)
class LayerInfo:
    kind: str
    activation: str | None = None
    time_mixing: bool | None = None  # None: unknown (a custom layer)
    stateful: bool = False
    units: int | None = None
    padding: str | None = None  # convolutions and pooling
    name: str = ""
    trainable: bool = True
    weights: int = 0  # number of weight values the layer holds
    dropout: float = 0.0  # the largest of rate / dropout / recurrent_dropout
    mask_value: float | None = None  # Masking


@dataclasses.dataclass(frozen=True)
class Geometry:
    """A model's interface and the facts the diagnosis rules need."""

    name: str
    input_rank: int | None = None  # 3: (batch, time, features); 2: (batch, time)
    timesteps: int | None = None  # None: free (or not declared)
    features: int | None = None
    integer_input: bool = False
    batch_size: int | None = None  # fixed batch (stateful models)
    embedding_vocab: int | None = None
    output_rank: int | None = None
    output_width: int | None = None
    output_timesteps: int | None = None
    output_activation: str | None = None
    output_layer: str | None = None
    layers: tuple[LayerInfo, ...] = ()
    loss: str | None = None
    loss_from_logits: bool | None = None
    optimizer: str | None = None
    learning_rate: float | None = None
    compiled: bool = False
    declared: bool = True  # False: shapes came from a forward pass

    @property
    def stateful(self) -> bool:
        return any(layer.stateful for layer in self.layers)

    @property
    def mixes_time(self) -> bool | None:
        """True if some layer carries the past, False if none can, None if unknown."""
        flags = [layer.time_mixing for layer in self.layers]
        if any(flag is True for flag in flags):
            return True
        if any(flag is None for flag in flags):
            return None
        return False

    @property
    def sparse_targets(self) -> bool:
        return bool(self.loss and "sparse" in self.loss.lower())


def flat_layers(model: Any) -> list[Any]:
    """Layers in order, with nested models opened up."""
    out: list[Any] = []
    for layer in getattr(model, "layers", []):
        if hasattr(layer, "layers") and layer.__class__.__name__ not in TIME_LOCAL | TIME_MIXING:
            out.extend(flat_layers(layer))
        else:
            out.append(layer)
    return out


def all_sublayers(model: Any) -> list[Any]:
    """Every layer inside the model, those nested in custom layers' attributes included."""
    flatten = getattr(model, "_flatten_layers", None)  # Keras 3 tracks sublayers set as attributes
    if flatten is None:
        return flat_layers(model)
    try:
        return list(flatten(include_self=False, recursive=True))
    except TypeError:
        return flat_layers(model)


def _activation_name(fn: Any) -> str | None:
    if fn is None:
        return None
    name = getattr(fn, "__name__", None) or fn.__class__.__name__
    return name.lower()


def layer_info(layer: Any) -> LayerInfo:
    kind = layer.__class__.__name__
    inner = getattr(layer, "layer", None)  # TimeDistributed, Bidirectional
    if kind == "Bidirectional":
        inner = getattr(layer, "forward_layer", inner)
    source = inner if inner is not None else layer
    cell = getattr(source, "cell", None)
    activation = _activation_name(getattr(cell or source, "activation", None))
    if kind in ACTIVATION_LAYERS:
        activation = ACTIVATION_LAYERS[kind]
    if kind in TIME_MIXING:
        mixing: bool | None = True
    elif kind in CONVOLUTIONS:
        size = getattr(layer, "kernel_size", (1,))
        size = size[0] if isinstance(size, (tuple, list)) else size
        mixing = size > 1
    elif kind == "TimeDistributed" or kind in TIME_LOCAL:
        mixing = False
    elif kind in ("Reshape", "Permute", "Lambda"):
        mixing = None
    elif hasattr(layer, "cell"):  # a custom RNN subclass
        mixing = True
    else:
        mixing = None
    units = getattr(source, "units", None) or getattr(source, "filters", None)
    return LayerInfo(
        kind=kind if inner is None else f"{kind}({inner.__class__.__name__})",
        activation=activation,
        time_mixing=mixing,
        stateful=bool(getattr(layer, "stateful", False) or getattr(inner, "stateful", False)),
        units=units if isinstance(units, int) else None,
        padding=getattr(layer, "padding", None) if isinstance(getattr(layer, "padding", None), str) else None,
        name=str(getattr(layer, "name", "")),
        trainable=bool(getattr(layer, "trainable", True)),
        weights=weight_count(layer),
        dropout=dropout_rate(layer, source),
        mask_value=masked_value(layer, kind),
    )


def masked_value(layer: Any, kind: str) -> float | None:
    """The input value a layer treats as padding: Masking's mask_value, 0 for Embedding(mask_zero=True)."""
    if kind == "Masking":
        return _number(getattr(layer, "mask_value", None))
    if kind == "Embedding" and getattr(layer, "mask_zero", False):
        return 0.0
    return None


DROPOUT_LAYERS = frozenset({"Dropout", "SpatialDropout1D", "GaussianDropout", "AlphaDropout"})


def weight_count(layer: Any) -> int:
    total = 0
    for weight in getattr(layer, "weights", []) or []:
        size = 1
        for dim in getattr(weight, "shape", ()):
            size *= int(dim or 0)
        total += size
    return total


def dropout_rate(layer: Any, source: Any) -> float:
    """The heaviest dropout the layer applies while training."""
    rates = []
    if layer.__class__.__name__ in DROPOUT_LAYERS:
        rates.append(getattr(layer, "rate", 0.0))
    for holder in (source, getattr(source, "cell", None)):
        rates += [getattr(holder, "dropout", 0.0), getattr(holder, "recurrent_dropout", 0.0)]
    numbers = [_number(rate) for rate in rates]
    return max([n for n in numbers if n is not None] + [0.0])


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def output_layer(layers: list[LayerInfo]) -> LayerInfo | None:
    """The last layer that sets the output's range (skipping pass-through layers)."""
    for info in reversed(layers):
        base = info.kind.split("(")[0]
        if base in PASS_THROUGH:
            continue
        return info
    return None


def loss_name(loss: Any) -> str | None:
    if loss is None:
        return None
    if isinstance(loss, str):
        return loss
    if isinstance(loss, (list, tuple, dict)):
        return "multiple"
    return getattr(loss, "name", None) or getattr(loss, "__name__", None) or loss.__class__.__name__


def from_logits(loss: Any) -> bool | None:
    """Whether a loss takes logits: a string loss never does; a Loss object says so in its config."""
    if loss is None or isinstance(loss, (list, tuple, dict)):
        return None
    if isinstance(loss, str):
        return False
    value = getattr(loss, "from_logits", None)
    if value is None:
        try:
            value = loss.get_config().get("from_logits")
        except Exception:
            value = None
    return None if value is None else bool(value)


def optimizer_rate(optimizer: Any) -> float | None:
    """The optimizer's fixed learning rate; None for a schedule or no optimizer."""
    if optimizer is None or callable(getattr(optimizer, "_learning_rate", None)):
        return None
    try:
        import numpy as np

        return float(np.asarray(optimizer.learning_rate))
    except (TypeError, ValueError, AttributeError):
        return None


def read_geometry(model: Any, name: str | None = None, input_shape=None, output_shape=None) -> Geometry:
    """Read a model's interface; pass shapes found by a forward pass when undeclared."""
    layers = [layer_info(layer) for layer in flat_layers(model)]
    declared = input_shape is None
    if declared:
        inputs, outputs = declared_io(model) or ([], [])
        declared = bool(inputs)
        input_shape = tuple(inputs[0].shape) if inputs else None
        input_dtype = str(inputs[0].dtype) if inputs else ""
        output_shape = tuple(outputs[0].shape) if outputs else None
    else:
        input_shape, input_dtype = input_shape
    # the token table is the widest Embedding (a positional one is as wide as the window)
    embeddings = [lay for lay in all_sublayers(model) if lay.__class__.__name__ == "Embedding"]
    embedding = max(embeddings, key=lambda lay: getattr(lay, "input_dim", 0) or 0, default=None)
    last = output_layer(layers)
    fields: dict[str, Any] = {}
    if input_shape is not None:
        fields.update(
            input_rank=len(input_shape),
            batch_size=input_shape[0],
            timesteps=input_shape[1] if len(input_shape) > 1 else None,
            features=input_shape[2] if len(input_shape) > 2 else None,
            integer_input="int" in input_dtype,
        )
    if output_shape is not None:
        fields.update(
            output_rank=len(output_shape),
            output_width=output_shape[-1],
            output_timesteps=output_shape[1] if len(output_shape) == 3 else None,
        )
    return Geometry(
        name=name or model.name,
        embedding_vocab=getattr(embedding, "input_dim", None),
        output_activation=last.activation if last else None,
        output_layer=last.kind if last else None,
        layers=tuple(layers),
        loss=loss_name(getattr(model, "loss", None)),
        loss_from_logits=from_logits(getattr(model, "loss", None)),
        optimizer=(
            type(getattr(model, "optimizer", None)).__name__ if getattr(model, "optimizer", None) is not None else None
        ),
        learning_rate=optimizer_rate(getattr(model, "optimizer", None)),
        compiled=getattr(model, "optimizer", None) is not None and bool(getattr(model, "compiled", False)),
        declared=declared,
        **fields,
    )


def declared_io(model: Any) -> tuple[list, list] | None:
    """The model's symbolic (inputs, outputs) when it declares them, else None."""
    try:
        inputs, outputs = model.inputs, model.outputs
    except (AttributeError, ValueError, TypeError):
        return None
    if not inputs or not outputs:
        return None
    return list(inputs), list(outputs)
