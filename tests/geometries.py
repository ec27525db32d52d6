"""Hand-made model geometries for the pure rules (no Keras)."""

from pytest_rnncheck.geometry import Geometry, LayerInfo

LSTM = LayerInfo("LSTM", "tanh", True, units=32)
GRU = LayerInfo("GRU", "tanh", True, units=16)
STATEFUL_LSTM = LayerInfo("LSTM", "tanh", True, stateful=True, units=50)


def dense(width, activation="softmax"):
    return LayerInfo("Dense", activation, False, units=width)


def seq(name, timesteps, features, *layers, width=None, rank=2, batch=None, integer=False, vocab=None):
    last = layers[-1]
    return Geometry(
        name=name,
        input_rank=2 if integer else 3,
        timesteps=timesteps,
        features=None if integer else features,
        integer_input=integer,
        batch_size=batch,
        embedding_vocab=vocab,
        output_rank=rank,
        output_width=width if width is not None else last.units,
        output_timesteps=timesteps if rank == 3 else None,
        output_activation=last.activation,
        output_layer=last.kind,
        layers=tuple(layers),
    )


HEALTHY = {
    "lstm_onehot": seq("lstm_onehot", 8, 100, LSTM, dense(100)),
    "free_window": seq("free_window", None, 100, LSTM, dense(100)),
    "embedding_gru": seq(
        "embedding_gru", None, None, LayerInfo("Embedding", None, False), GRU, dense(20), rank=3, integer=True, vocab=20
    ),
    "bit_gru_conv": seq("bit_gru_conv", 32, 1, GRU, LayerInfo("Conv1D", "linear", False, units=1), rank=3),
}
