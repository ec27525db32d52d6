"""A labelled corpus for scoring rnncheck's diagnosis: broken and healthy sequence models.

Every case is a :class:`Case`: a zero-argument factory (a module-level function or a
``functools.partial`` of one, so that it pickles by reference and the probe worker can
import it from this module by name), the probe it is checked with, and the one pathology
code that names the real cause (``None`` for a healthy model, which must pass its probe).

Each broken model holds ONE realistic mistake and is otherwise healthy: ``Case.fixed`` is
the same model with that mistake removed, and it passes the same probe (see
``benchmarks/diagnosis_score.py --fixed``). The builders below take the mistake as a
parameter, so the broken and the fixed model differ in exactly that place.

Causes (codes): frozen-layer, dropout, loss-mismatch, learning-rate, masking-collision,
missing-context, activation-range, output-shape, future-leak (only with ``causal=True``).

Not a test module; imported by benchmarks/diagnosis_score.py.
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Callable

import keras
from keras import layers


@dataclasses.dataclass(frozen=True)
class Case:
    name: str
    factory: Callable[[], keras.Model]
    probe: str
    expected: str | None  # the real cause's code; None for a healthy model
    #: The same model without the mistake (broken cases only); passes ``probe``.
    fixed: Callable[[], keras.Model] | None = None


# =============================================================================
# frozen-layer: a layer on the path is not trained
# =============================================================================
def frozen_lstm_classifier(trainable=False):
    """LSTM built with trainable=False (copied from a fine-tuning snippet)."""
    return keras.Sequential(
        [
            keras.Input((8, 20)),
            layers.LSTM(32, trainable=trainable),
            layers.Dense(20, activation="softmax"),
        ]
    )


def frozen_embedding_and_gru(freeze=True):
    """'Pretrained' encoder frozen, but the weights were never loaded: Embedding + GRU random."""
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    embed = layers.Embedding(20, 16, name="embed")
    gru = layers.GRU(32, return_sequences=True, name="gru")
    head = layers.Dense(20, activation="softmax", name="head")
    model = keras.Model(tokens, head(gru(embed(tokens))))
    if freeze:
        for layer in (embed, gru):
            layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy")
    return model


def frozen_encoder_submodel(freeze=True):
    """Transfer-learning pattern: encoder = Sequential sub-model, encoder.trainable = False."""
    encoder = keras.Sequential(
        [keras.Input((None, 16)), layers.LSTM(48, return_sequences=True)], name="encoder"
    )
    if freeze:
        encoder.trainable = False
    return keras.Sequential([keras.Input((None, 16)), encoder, layers.Dense(16, activation="softmax")])


def frozen_by_name(freeze=True):
    """model.get_layer('rnn').trainable = False before compile."""
    model = keras.Sequential(
        [
            keras.Input((10, 24)),
            layers.SimpleRNN(48, name="rnn"),
            layers.Dense(24, activation="softmax", name="out"),
        ]
    )
    if freeze:
        model.get_layer("rnn").trainable = False
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    return model


def frozen_tcn(freeze=True):
    """Causal convolution stack (sees 4 steps) with its convolutions frozen."""
    model = keras.Sequential(
        [
            keras.Input((None, 20)),
            layers.Conv1D(32, 2, padding="causal", activation="relu"),
            layers.Conv1D(32, 2, padding="causal", dilation_rate=2, activation="relu"),
            layers.Dense(20, activation="softmax"),
        ]
    )
    if freeze:
        for layer in model.layers[:2]:
            layer.trainable = False
    return model


def frozen_all_but_head(freeze=True):
    """Functional LSTM stack; `for layer in model.layers[:-1]: layer.trainable = False`."""
    inputs = keras.Input((12, 16))
    x = layers.LSTM(32, return_sequences=True)(inputs)
    x = layers.LSTM(32)(x)
    model = keras.Model(inputs, layers.Dense(16, activation="softmax")(x))
    if freeze:
        for layer in model.layers[:-1]:
            layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


# =============================================================================
# dropout: regularisation heavy enough to wipe out the memory
# =============================================================================
def input_dropout_lstm(rate=0.9):
    body = [layers.Dropout(rate)] if rate else []
    return keras.Sequential(
        [keras.Input((8, 16)), *body, layers.LSTM(32), layers.Dense(16, activation="softmax")]
    )


def lstm_input_dropout_arg(dropout=0.8):
    return keras.Sequential(
        [
            keras.Input((None, 12)),
            layers.LSTM(32, dropout=dropout, return_sequences=True),
            layers.Dense(12, activation="softmax"),
        ]
    )


def gru_recurrent_dropout(recurrent_dropout=0.9):
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(16, 16),
            layers.GRU(48, recurrent_dropout=recurrent_dropout, return_sequences=True),
            layers.Dense(16, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def embedding_dropout_gru(rate=0.85):
    tokens = keras.Input((10,), dtype="int32")
    x = layers.Embedding(20, 24)(tokens)
    if rate:
        x = layers.Dropout(rate)(x)
    x = layers.GRU(48)(x)
    return keras.Model(tokens, layers.Dense(20, activation="softmax")(x))


def hidden_dropout_lstm(rate=0.95):
    """Dropout between the LSTM and the read-out."""
    body = [layers.Dropout(rate)] if rate else []
    return keras.Sequential(
        [keras.Input((8, 10)), layers.LSTM(32), *body, layers.Dense(10, activation="softmax")]
    )


def simplernn_both_dropouts(rate=0.7):
    inputs = keras.Input((None, 10))
    x = layers.SimpleRNN(64, dropout=rate, recurrent_dropout=rate, return_sequences=True)(inputs)
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
    model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy")
    return model


def stacked_dropout_between(rate=0.8):
    """Dropout before and between two stacked GRUs."""
    drop = (lambda: [layers.Dropout(rate)]) if rate else (lambda: [])
    return keras.Sequential(
        [
            keras.Input((10, 12)),
            *drop(),
            layers.GRU(32, return_sequences=True),
            *drop(),
            layers.GRU(32),
            layers.Dense(12, activation="softmax"),
        ]
    )


# =============================================================================
# loss-mismatch: the loss does not fit the output
# =============================================================================
def linear_head_sparse_cce(from_logits=False):
    """Dense(V) with no activation, compiled with the string loss (from_logits=False)."""
    model = keras.Sequential([keras.Input((8, 10)), layers.LSTM(32), layers.Dense(10)])
    loss = (
        keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        if from_logits
        else "sparse_categorical_crossentropy"
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return model


def linear_head_cce(from_logits=False):
    inputs = keras.Input((None, 12))
    x = layers.GRU(32, return_sequences=True)(inputs)
    model = keras.Model(inputs, layers.Dense(12)(x))
    model.compile(optimizer="adam", loss=keras.losses.CategoricalCrossentropy(from_logits=from_logits))
    return model


def softmax_from_logits(from_logits=True):
    """Softmax head and a loss told the outputs are logits: softmax applied twice."""
    model = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(16, 16),
            layers.LSTM(32, return_sequences=True),
            layers.Dense(16, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits),
    )
    return model


def softmax_binary_crossentropy(loss="binary_crossentropy"):
    model = keras.Sequential([keras.Input((8, 10)), layers.GRU(32), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return model


def scalar_mape(loss="mape"):
    """A bit regressor compiled with mean absolute percentage error: targets of 0 divide by ~0."""
    model = keras.Sequential([keras.Input((None, 1)), layers.LSTM(16), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return model


def scalar_mape_per_step(loss="mean_absolute_percentage_error"):
    inputs = keras.Input((None, 1))
    x = layers.GRU(16, return_sequences=True)(inputs)
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return model


def sigmoid_categorical_crossentropy(loss="categorical_crossentropy"):
    """One sigmoid unit and categorical cross-entropy: the loss is log(1) = 0 for every input."""
    model = keras.Sequential(
        [keras.Input((None, 1)), layers.GRU(16), layers.Dense(1, activation="sigmoid")]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return model


def spatial_dropout_embedding(rate=0.8):
    """SpatialDropout1D after the Embedding, as in text classifiers, at a rate copied from a large model."""
    body = [layers.SpatialDropout1D(rate)] if rate else []
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(16, 32),
            *body,
            layers.LSTM(32, return_sequences=True),
            layers.Dense(16, activation="softmax"),
        ]
    )


def lstm_both_dropouts(dropout=0.5, recurrent_dropout=0.8):
    model = keras.Sequential(
        [
            keras.Input((8, 10)),
            layers.LSTM(48, dropout=dropout, recurrent_dropout=recurrent_dropout),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def linear_bit_bce(from_logits=False):
    """Dense(1) with no activation and binary cross-entropy that expects probabilities."""
    model = keras.Sequential([keras.Input((None, 1)), layers.LSTM(16), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=keras.losses.BinaryCrossentropy(from_logits=from_logits))
    return model


def linear_head_kld(activation=None):
    """KL divergence (a loss between distributions) on a linear head."""
    inputs = keras.Input((8, 10))
    x = layers.GRU(32)(inputs)
    model = keras.Model(inputs, layers.Dense(10, activation=activation)(x))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="kl_divergence")
    return model


def linear_poisson(loss="poisson"):
    """Poisson loss (log of the prediction) on a linear scalar output, targets 0 and 1."""
    model = keras.Sequential([keras.Input((None, 1)), layers.GRU(16, return_sequences=True), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss)
    return model


# =============================================================================
# learning-rate: far too small or far too large
# =============================================================================
def lstm_adam(learning_rate=1e-6):
    model = keras.Sequential([keras.Input((8, 10)), layers.LSTM(32), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="sparse_categorical_crossentropy")
    return model


def gru_sgd(learning_rate=10.0):
    model = keras.Sequential(
        [keras.Input((None, 10)), layers.GRU(32, return_sequences=True), layers.Dense(10, activation="softmax")]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9),
        loss="sparse_categorical_crossentropy",
    )
    return model


def embedding_lstm_adam(learning_rate=5.0):
    tokens = keras.Input((None,), dtype="int32")
    x = layers.Embedding(12, 16)(tokens)
    x = layers.LSTM(32)(x)
    model = keras.Model(tokens, layers.Dense(12, activation="softmax")(x))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model


def simplernn_rmsprop(learning_rate=1e-7):
    model = keras.Sequential(
        [keras.Input((6, 8)), layers.SimpleRNN(48), layers.Dense(8, activation="softmax")]
    )
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate),
        loss="sparse_categorical_crossentropy",
    )
    return model


def tcn_adam(learning_rate=1e-6):
    model = keras.Sequential(
        [
            keras.Input((None, 16)),
            layers.Conv1D(32, 2, padding="causal", activation="relu"),
            layers.Conv1D(32, 2, padding="causal", dilation_rate=2, activation="relu"),
            layers.Dense(16, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model


def bit_gru_adam(learning_rate=5.0):
    inputs = keras.Input((None, 1))
    x = layers.GRU(16, return_sequences=True)(inputs)
    model = keras.Model(inputs, layers.Dense(1, activation="sigmoid")(x))
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="binary_crossentropy")
    return model


# =============================================================================
# masking-collision: the mask value is a real input value
# =============================================================================
def bit_masking_lstm(mask_value=0.0):
    """Padded with zeros in the original pipeline, but a bit of 0 is data."""
    return keras.Sequential(
        [
            keras.Input((None, 1)),
            layers.Masking(mask_value=mask_value),
            layers.LSTM(16),
            layers.Dense(1, activation="sigmoid"),
        ]
    )


def bit_masking_gru_per_step(mask_value=0.0):
    return keras.Sequential(
        [
            keras.Input((None, 1)),
            layers.Masking(mask_value),
            layers.GRU(16, return_sequences=True),
            layers.Dense(1, activation="sigmoid"),
        ]
    )


def bit_masking_simplernn(mask_value=1.0):
    """Functional; masks 1.0 (the padding value of another pipeline), which every 1-bit equals."""
    inputs = keras.Input((None, 1))
    x = layers.Masking(mask_value=mask_value)(inputs)
    x = layers.SimpleRNN(32, return_sequences=True)(x)
    model = keras.Model(inputs, layers.Dense(1)(x))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def scaled_masking_lstm(mask_value=0.0):
    """A scaled series (symbol / (vocab - 1)): symbol 0 is 0.0, the mask value."""
    return keras.Sequential(
        [
            keras.Input((None, 1)),
            layers.Masking(mask_value=mask_value),
            layers.LSTM(32, return_sequences=True),
            layers.Dense(1),
        ]
    )


def embedding_mask_zero(mask_zero=True):
    """Embedding(mask_zero=True) by habit, but symbol 0 is a real symbol."""
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(5, 16, mask_zero=mask_zero),
            layers.LSTM(32),
            layers.Dense(5, activation="softmax"),
        ]
    )


def embedding_mask_zero_per_step(mask_zero=True):
    tokens = keras.Input((None,), dtype="int32")
    x = layers.Embedding(6, 16, mask_zero=mask_zero)(tokens)
    x = layers.GRU(32, return_sequences=True)(x)
    model = keras.Model(tokens, layers.Dense(6, activation="softmax")(x))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


# =============================================================================
# missing-context: x[t-n] is not visible to the output
# =============================================================================
def lstm_window(timesteps=1, vocab=20):
    """Window of `timesteps` steps per sample (1: a stateless model fed one step at a time)."""
    return keras.Sequential(
        [keras.Input((timesteps, vocab)), layers.LSTM(32), layers.Dense(vocab, activation="softmax")]
    )


def causal_conv(kernel_size=3):
    """One causal convolution: each output sees `kernel_size` steps."""
    return keras.Sequential(
        [
            keras.Input((None, 12)),
            layers.Conv1D(64, kernel_size, padding="causal", activation="relu"),
            layers.Conv1D(12, 1, activation="softmax"),
        ]
    )


def cropped_gru(crop=8):
    """Cropping1D keeps only the last steps of a 10-step window."""
    body = [layers.Cropping1D((crop, 0))] if crop else []
    return keras.Sequential(
        [keras.Input((10, 16)), *body, layers.GRU(32), layers.Dense(16, activation="softmax")]
    )


def last_steps_lambda(keep=2):
    """A Lambda that keeps the last `keep` steps 'to save compute'."""
    inputs = keras.Input((12, 10))
    x = layers.Lambda(lambda t: t[:, -keep:, :])(inputs)
    x = layers.LSTM(32)(x)
    model = keras.Model(inputs, layers.Dense(10, activation="softmax")(x))
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def per_step_dense(recurrent=False):
    """Dense on a 3-D input acts per step: nothing mixes time (the fix: a recurrent layer)."""
    hidden = layers.LSTM(64, return_sequences=True) if recurrent else layers.Dense(64, activation="relu")
    return keras.Sequential([keras.Input((None, 10)), hidden, layers.Dense(10, activation="softmax")])


def pooled_conv_lstm(pool=4):
    """Max-pooling over time before the LSTM: the order inside a pool is lost."""
    body = [layers.MaxPooling1D(pool)] if pool > 1 else []
    return keras.Sequential(
        [
            keras.Input((8, 10)),
            layers.Conv1D(32, 1, activation="relu"),
            *body,
            layers.LSTM(32),
            layers.Dense(10, activation="softmax"),
        ]
    )


# =============================================================================
# activation-range: the output activation cannot reach the targets
# =============================================================================
def raw_regressor(activation="tanh"):
    return keras.Sequential(
        [keras.Input((None, 1)), layers.LSTM(32), layers.Dense(1, activation=activation)]
    )


def recurrent_output_layer(readout=False):
    """A last SimpleRNN(1) as the output: its tanh spans (-1, 1)."""
    inputs = keras.Input((None, 1))
    x = layers.GRU(32, return_sequences=True)(inputs)
    if readout:
        out = layers.Dense(1)(x)
    else:
        out = layers.SimpleRNN(1, return_sequences=True)(x)
    model = keras.Model(inputs, out)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def sigmoid_regressor_conv(activation="sigmoid"):
    return keras.Sequential(
        [
            keras.Input((None, 1)),
            layers.Conv1D(32, 3, padding="causal", activation="relu"),
            layers.Conv1D(32, 1, activation="relu"),
            layers.Dense(1, activation=activation),
        ]
    )


# =============================================================================
# output-shape: the output fits neither the vocabulary nor a scalar
# =============================================================================
def width_is_timesteps(width=8):
    """Dense(timesteps) where Dense(vocab) was meant."""
    return keras.Sequential(
        [keras.Input((8, 10)), layers.LSTM(32), layers.Dense(width, activation="softmax")]
    )


def gru_state_as_output(readout=False):
    body = [layers.Dense(1, activation="sigmoid")] if readout else []
    return keras.Sequential([keras.Input((None, 1)), layers.GRU(16, return_sequences=True), *body])


def forgot_the_head(head=False):
    tokens = keras.Input((None,), dtype="int32")
    x = layers.Embedding(12, 16)(tokens)
    x = layers.LSTM(32)(x)
    x = layers.Dense(64, activation="relu")(x)
    if head:
        x = layers.Dense(12, activation="softmax")(x)
    return keras.Model(tokens, x)


# =============================================================================
# future-leak: a forecaster that looks ahead (probed with causal=True)
# =============================================================================
def bidirectional_tagger(bidirectional=True):
    rnn = layers.LSTM(24, return_sequences=True)
    return keras.Sequential(
        [
            keras.Input((None, 10)),
            layers.Bidirectional(rnn) if bidirectional else layers.LSTM(48, return_sequences=True),
            layers.Dense(10, activation="softmax"),
        ]
    )


def same_padding_conv(padding="same"):
    return keras.Sequential(
        [
            keras.Input((None, 10)),
            layers.Conv1D(32, 3, padding=padding, activation="relu"),
            layers.Conv1D(32, 3, padding=padding, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def attention_with_positions(causal=False, timesteps=10, vocab=12):
    tokens = keras.Input((timesteps,), dtype="int32")
    x = layers.Embedding(vocab, 64)(tokens) + layers.Embedding(timesteps, 64)(keras.ops.arange(timesteps))
    x = layers.LayerNormalization()(x + layers.MultiHeadAttention(4, 16)(x, x, use_causal_mask=causal))
    x = layers.LayerNormalization()(x + layers.Dense(64, activation="relu")(x))
    return keras.Model(tokens, layers.Dense(vocab, activation="softmax")(x))


# =============================================================================
# healthy models only
# =============================================================================
def lstm_onehot_lag():
    return keras.Sequential([keras.Input((8, 10)), layers.LSTM(32), layers.Dense(10, activation="softmax")])


def embedding_gru_tagger():
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(20, 16),
            layers.GRU(32, return_sequences=True),
            layers.Dense(20, activation="softmax"),
        ]
    )


def simplernn_compiled():
    model = keras.Sequential([keras.Input((6, 10)), layers.SimpleRNN(64), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.003), loss="sparse_categorical_crossentropy")
    return model


def tcn_tagger():
    """Causal convolutions, dilations 1 and 2, kernel 2: each output sees 4 steps."""
    return keras.Sequential(
        [
            keras.Input((None, 16)),
            layers.Conv1D(32, 2, padding="causal", activation="relu"),
            layers.Conv1D(32, 2, padding="causal", dilation_rate=2, activation="relu"),
            layers.Dense(16, activation="softmax"),
        ]
    )


def functional_lstm_echo():
    inputs = keras.Input((None, 20), name="symbols")
    x = layers.LSTM(32, return_sequences=True)(inputs)
    return keras.Model(inputs, layers.Dense(20, activation="softmax", name="next")(x))


def bit_inverter_gru():
    model = keras.Sequential([keras.Input((None, 1)), layers.GRU(16), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy")
    return model


def stacked_lstm():
    return keras.Sequential(
        [
            keras.Input((8, 10)),
            layers.LSTM(32, return_sequences=True),
            layers.LSTM(32),
            layers.Dense(10, activation="softmax"),
        ]
    )


def bidirectional_classifier():
    """Bidirectional is fine for a many-to-one classifier on a probe that is not causal."""
    tokens = keras.Input((8,), dtype="int32")
    x = layers.Embedding(12, 16)(tokens)
    x = layers.Bidirectional(layers.GRU(24))(x)
    return keras.Model(tokens, layers.Dense(12, activation="softmax")(x))


def light_dropout_lstm():
    """Dropout(0.2) around the LSTM: ordinary regularisation, not a memory wipe."""
    return keras.Sequential(
        [
            keras.Input((8, 10)),
            layers.Dropout(0.2),
            layers.LSTM(48),
            layers.Dropout(0.2),
            layers.Dense(10, activation="softmax"),
        ]
    )


def gru_light_dropouts():
    model = keras.Sequential(
        [
            keras.Input((None, 10)),
            layers.GRU(32, dropout=0.1, recurrent_dropout=0.1, return_sequences=True),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def frozen_embedding_only():
    """A frozen random Embedding is still a faithful code for the symbols: the GRU learns."""
    return keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            layers.Embedding(16, 16, trainable=False),
            layers.GRU(32, return_sequences=True),
            layers.Dense(16, activation="softmax"),
        ]
    )


def layernorm_gru():
    inputs = keras.Input((8, 12))
    x = layers.Dense(32)(inputs)
    x = layers.LayerNormalization()(x)
    x = layers.GRU(32)(x)
    x = layers.BatchNormalization()(x)
    return keras.Model(inputs, layers.Dense(12, activation="softmax")(x))


def sgd_momentum_lstm():
    model = keras.Sequential([keras.Input((6, 8)), layers.LSTM(32), layers.Dense(8, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.5, momentum=0.9, clipnorm=1.0),
        loss="sparse_categorical_crossentropy",
    )
    return model


def raw_linear_regressor():
    model = keras.Sequential([keras.Input((None, 1)), layers.LSTM(32), layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    return model


def scaled_gru_regressor():
    return keras.Sequential([keras.Input((None, 1)), layers.GRU(32, return_sequences=True), layers.Dense(1)])


def scaled_sigmoid_echo():
    """Sigmoid output on scaled targets in [0, 1]: in range."""
    return keras.Sequential(
        [keras.Input((None, 1)), layers.GRU(32), layers.Dense(1, activation="sigmoid")]
    )


def conv_then_gru():
    tokens = keras.Input((10,), dtype="int32")
    x = layers.Embedding(16, 16)(tokens)
    x = layers.Conv1D(32, 3, padding="causal", activation="relu")(x)
    x = layers.GRU(32)(x)
    return keras.Model(tokens, layers.Dense(16, activation="softmax")(x))


def time_distributed_head():
    return keras.Sequential(
        [
            keras.Input((None, 12)),
            layers.LSTM(32, return_sequences=True),
            layers.TimeDistributed(layers.Dense(12, activation="softmax")),
        ]
    )


def logits_uncompiled():
    """Linear Dense(V) and no compile: the plugin pairs it with from_logits=True."""
    return keras.Sequential([keras.Input((8, 10)), layers.GRU(32), layers.Dense(10)])


def logits_compiled_correctly():
    tokens = keras.Input((None,), dtype="int32")
    x = layers.Embedding(12, 16)(tokens)
    x = layers.LSTM(32, return_sequences=True)(x)
    model = keras.Model(tokens, layers.Dense(12)(x))
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def crop_that_keeps_enough():
    """Cropping1D keeps 5 of 10 steps: enough for lag(2)."""
    return keras.Sequential(
        [keras.Input((10, 10)), layers.Cropping1D((5, 0)), layers.LSTM(32), layers.Dense(10, activation="softmax")]
    )


def unrolled_lstm():
    return keras.Sequential(
        [keras.Input((6, 10)), layers.LSTM(32, unroll=True), layers.Dense(10, activation="softmax")]
    )


def two_branch_model():
    inputs = keras.Input((8, 10))
    a = layers.LSTM(32)(inputs)
    b = layers.GlobalMaxPooling1D()(layers.Conv1D(16, 3, padding="causal", activation="relu")(inputs))
    x = layers.Concatenate()([a, b])
    return keras.Model(inputs, layers.Dense(10, activation="softmax")(x))


def bits_head_gru():
    """Three input bits per step, three sigmoid output bits."""
    return keras.Sequential(
        [keras.Input((None, 3)), layers.GRU(32, return_sequences=True), layers.Dense(3, activation="sigmoid")]
    )


def two_class_inverter():
    model = keras.Sequential([keras.Input((None, 2)), layers.LSTM(16), layers.Dense(2, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    return model


def gru_no_reset_after():
    model = keras.Sequential(
        [keras.Input((6, 10)), layers.GRU(32, reset_after=False), layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy")
    return model


def onehot_masking_lstm():
    """Masking(0.0) on one-hot steps never fires: a one-hot step is never all zeros."""
    return keras.Sequential(
        [
            keras.Input((None, 10)),
            layers.Masking(0.0),
            layers.LSTM(32),
            layers.Dense(10, activation="softmax"),
        ]
    )


def rmsprop_gru_tagger():
    model = keras.Sequential(
        [keras.Input((None, 10)), layers.GRU(32, return_sequences=True), layers.Dense(10, activation="softmax")]
    )
    model.compile(optimizer=keras.optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy")
    return model


def same_conv_tagger():
    """padding='same' looks one step ahead; fine when the probe is not causal (a warning at most)."""
    return keras.Sequential(
        [
            keras.Input((None, 10)),
            layers.Conv1D(32, 3, padding="same", activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


# =============================================================================
# the cases
# =============================================================================
def _broken(name, builder, probe, expected, mistake, fix):
    return Case(name, partial(builder, **mistake), probe, expected, fixed=partial(builder, **fix))


BROKEN = [
    # frozen-layer
    _broken(
        "frozen_lstm_classifier", frozen_lstm_classifier, "lag(3)", "frozen-layer",
        {"trainable": False}, {"trainable": True},
    ),
    _broken(
        "frozen_embedding_and_gru", frozen_embedding_and_gru, "lag(3)", "frozen-layer",
        {"freeze": True}, {"freeze": False},
    ),
    _broken(
        "frozen_encoder_submodel", frozen_encoder_submodel, "lag(4)", "frozen-layer",
        {"freeze": True}, {"freeze": False},
    ),
    _broken("frozen_rnn_by_name", frozen_by_name, "lag(4)", "frozen-layer", {"freeze": True}, {"freeze": False}),
    _broken("frozen_tcn", frozen_tcn, "lag(3)", "frozen-layer", {"freeze": True}, {"freeze": False}),
    _broken("frozen_all_but_head", frozen_all_but_head, "lag(3)", "frozen-layer", {"freeze": True}, {"freeze": False}),
    # dropout
    _broken("input_dropout_09", input_dropout_lstm, "lag(2)", "dropout", {"rate": 0.9}, {"rate": 0.0}),
    _broken("lstm_dropout_arg_08", lstm_input_dropout_arg, "lag(2)", "dropout", {"dropout": 0.8}, {"dropout": 0.0}),
    _broken(
        "gru_recurrent_dropout_09", gru_recurrent_dropout, "lag(3)", "dropout",
        {"recurrent_dropout": 0.9}, {"recurrent_dropout": 0.0},
    ),
    _broken("embedding_dropout_095", embedding_dropout_gru, "lag(2)", "dropout", {"rate": 0.95}, {"rate": 0.0}),
    _broken(
        "lstm_recurrent_dropout_08", lstm_both_dropouts, "lag(3)", "dropout",
        {"dropout": 0.5, "recurrent_dropout": 0.8}, {"dropout": 0.0, "recurrent_dropout": 0.0},
    ),
    _broken("stacked_gru_dropout_08", stacked_dropout_between, "lag(3)", "dropout", {"rate": 0.8}, {"rate": 0.0}),
    # loss-mismatch
    _broken(
        "linear_head_sparse_cce", linear_head_sparse_cce, "lag(2)", "loss-mismatch",
        {"from_logits": False}, {"from_logits": True},
    ),
    _broken(
        "linear_head_cce", linear_head_cce, "lag(2)", "loss-mismatch",
        {"from_logits": False}, {"from_logits": True},
    ),
    _broken("scalar_mape", scalar_mape, "lag(1)", "loss-mismatch", {"loss": "mape"}, {"loss": "mse"}),
    _broken(
        "scalar_mape_per_step", scalar_mape_per_step, "invert(1)", "loss-mismatch",
        {"loss": "mean_absolute_percentage_error"}, {"loss": "mean_squared_error"},
    ),
    _broken(
        "linear_head_kld", linear_head_kld, "lag(2)", "loss-mismatch",
        {"activation": None}, {"activation": "softmax"},
    ),
    _broken("linear_poisson", linear_poisson, "invert(1)", "loss-mismatch", {"loss": "poisson"}, {"loss": "mse"}),
    _broken(
        "sigmoid_categorical_crossentropy", sigmoid_categorical_crossentropy, "invert(1)", "loss-mismatch",
        {"loss": "categorical_crossentropy"}, {"loss": "binary_crossentropy"},
    ),
    # learning-rate
    _broken("lstm_adam_1e-6", lstm_adam, "lag(2)", "learning-rate", {"learning_rate": 1e-6}, {"learning_rate": 0.01}),
    _broken("gru_sgd_10", gru_sgd, "lag(2)", "learning-rate", {"learning_rate": 10.0}, {"learning_rate": 0.3}),
    _broken(
        "embedding_lstm_adam_5", embedding_lstm_adam, "lag(2)", "learning-rate",
        {"learning_rate": 5.0}, {"learning_rate": 0.01},
    ),
    _broken(
        "simplernn_rmsprop_1e-7", simplernn_rmsprop, "lag(1)", "learning-rate",
        {"learning_rate": 1e-7}, {"learning_rate": 0.003},
    ),
    _broken("tcn_adam_1e-6", tcn_adam, "lag(3)", "learning-rate", {"learning_rate": 1e-6}, {"learning_rate": 0.01}),
    _broken(
        "bit_gru_adam_5", bit_gru_adam, "invert(1)", "learning-rate",
        {"learning_rate": 5.0}, {"learning_rate": 0.01},
    ),
    # masking-collision
    _broken(
        "bit_masking_lstm", bit_masking_lstm, "lag(1)", "masking-collision",
        {"mask_value": 0.0}, {"mask_value": -1.0},
    ),
    _broken(
        "bit_masking_gru_per_step", bit_masking_gru_per_step, "invert(1)", "masking-collision",
        {"mask_value": 0.0}, {"mask_value": -1.0},
    ),
    _broken(
        "bit_masking_one_simplernn", bit_masking_simplernn, "invert(1)", "masking-collision",
        {"mask_value": 1.0}, {"mask_value": -1.0},
    ),
    _broken(
        "scaled_masking_lstm", scaled_masking_lstm, "lag(1, vocab=4)", "masking-collision",
        {"mask_value": 0.0}, {"mask_value": -1.0},
    ),
    _broken(
        "embedding_mask_zero", embedding_mask_zero, "lag(1)", "masking-collision",
        {"mask_zero": True}, {"mask_zero": False},
    ),
    _broken(
        "embedding_mask_zero_per_step", embedding_mask_zero_per_step, "lag(2)", "masking-collision",
        {"mask_zero": True}, {"mask_zero": False},
    ),
    # missing-context
    _broken("one_step_lstm", lstm_window, "lag(1)", "missing-context", {"timesteps": 1}, {"timesteps": 4}),
    _broken(
        "window_equals_lag", lstm_window, "lag(3)", "missing-context",
        {"timesteps": 3, "vocab": 12}, {"timesteps": 6, "vocab": 12},
    ),
    _broken(
        "causal_conv_kernel3_lag4", causal_conv, "lag(4)", "missing-context",
        {"kernel_size": 3}, {"kernel_size": 5},
    ),
    _broken("cropped_gru", cropped_gru, "lag(3)", "missing-context", {"crop": 8}, {"crop": 0}),
    _broken("last_steps_lambda", last_steps_lambda, "lag(2)", "missing-context", {"keep": 2}, {"keep": 12}),
    _broken("per_step_dense", per_step_dense, "lag(1)", "missing-context", {"recurrent": False}, {"recurrent": True}),
    _broken("pooled_conv_lstm", pooled_conv_lstm, "lag(1)", "missing-context", {"pool": 4}, {"pool": 1}),
    # activation-range
    _broken(
        "tanh_raw_regressor", raw_regressor, "lag(2, vocab=8, encoding='raw')", "activation-range",
        {"activation": "tanh"}, {"activation": "linear"},
    ),
    _broken(
        "simplernn_output_layer", recurrent_output_layer, "lag(1, vocab=6, encoding='raw')", "activation-range",
        {"readout": False}, {"readout": True},
    ),
    _broken(
        "sigmoid_conv_regressor", sigmoid_regressor_conv, "echo(vocab=5, encoding='raw')", "activation-range",
        {"activation": "sigmoid"}, {"activation": "linear"},
    ),
    # output-shape
    _broken("width_is_timesteps", width_is_timesteps, "lag(2, vocab=10)", "output-shape", {"width": 8}, {"width": 10}),
    _broken(
        "gru_state_as_output", gru_state_as_output, "invert(1)", "output-shape",
        {"readout": False}, {"readout": True},
    ),
    _broken("forgot_the_head", forgot_the_head, "lag(1)", "output-shape", {"head": False}, {"head": True}),
    # future-leak
    _broken(
        "bidirectional_forecaster", bidirectional_tagger, "lag(1, causal=True)", "future-leak",
        {"bidirectional": True}, {"bidirectional": False},
    ),
    _broken(
        "same_padding_forecaster", same_padding_conv, "lag(1, causal=True)", "future-leak",
        {"padding": "same"}, {"padding": "causal"},
    ),
    _broken(
        "unmasked_attention_forecaster", attention_with_positions, "lag(2, causal=True)", "future-leak",
        {"causal": False}, {"causal": True},
    ),
]

HEALTHY = [
    Case("lstm_onehot_lag2", lstm_onehot_lag, "lag(2)", None),
    Case("lstm_onehot_echo", lstm_onehot_lag, "echo()", None),
    Case("embedding_gru_tagger_lag3", embedding_gru_tagger, "lag(3)", None),
    Case("simplernn_compiled_lag1", simplernn_compiled, "lag(1)", None),
    Case("tcn_tagger_lag3", tcn_tagger, "lag(3)", None),
    Case("causal_attention_lag2", partial(attention_with_positions, causal=True), "lag(2)", None),
    Case("functional_lstm_echo", functional_lstm_echo, "echo()", None),
    Case("bit_inverter_gru_invert1", bit_inverter_gru, "invert(1)", None),
    Case("stacked_lstm_lag3", stacked_lstm, "lag(3)", None),
    Case("bidirectional_classifier_lag2", bidirectional_classifier, "lag(2)", None),
    Case("light_dropout_lstm_lag2", light_dropout_lstm, "lag(2)", None),
    Case("gru_light_dropouts_lag2", gru_light_dropouts, "lag(2)", None),
    Case("frozen_embedding_only_lag2", frozen_embedding_only, "lag(2)", None),
    Case("layernorm_gru_lag2", layernorm_gru, "lag(2)", None),
    Case("sgd_momentum_lstm_lag1", sgd_momentum_lstm, "lag(1)", None),
    Case("raw_linear_regressor_lag1", raw_linear_regressor, "lag(1, vocab=5, encoding='raw')", None),
    Case("scaled_gru_regressor_lag1", scaled_gru_regressor, "lag(1, vocab=4)", None),
    Case("scaled_sigmoid_echo", scaled_sigmoid_echo, "echo(vocab=5)", None),
    Case("conv_then_gru_lag3", conv_then_gru, "lag(3)", None),
    Case("time_distributed_head_lag2", time_distributed_head, "lag(2)", None),
    Case("logits_uncompiled_lag2", logits_uncompiled, "lag(2)", None),
    Case("logits_compiled_correctly_lag2", logits_compiled_correctly, "lag(2)", None),
    Case("crop_that_keeps_enough_lag2", crop_that_keeps_enough, "lag(2)", None),
    Case("unrolled_lstm_lag2", unrolled_lstm, "lag(2)", None),
    Case("two_branch_model_lag2", two_branch_model, "lag(2)", None),
    Case("bits_head_gru_lag1", bits_head_gru, "lag(1, encoding='binary')", None),
    Case("two_class_inverter", two_class_inverter, "invert(1)", None),
    Case("gru_no_reset_after_lag2", gru_no_reset_after, "lag(2)", None),
    Case("onehot_masking_lstm_lag2", onehot_masking_lstm, "lag(2)", None),
    Case("rmsprop_gru_tagger_lag2", rmsprop_gru_tagger, "lag(2)", None),
    Case("same_conv_tagger_echo", same_conv_tagger, "echo()", None),
    Case("bit_masking_minus_one_lag1", partial(bit_masking_lstm, mask_value=-1.0), "lag(1)", None),
    Case("window_lstm_lag3", partial(lstm_window, timesteps=6, vocab=12), "lag(3)", None),
    Case("causal_conv_kernel5_lag4", partial(causal_conv, kernel_size=5), "lag(4)", None),
    Case(
        "tanh_scaled_regressor_lag1", partial(raw_regressor, activation="tanh"),
        "lag(1, vocab=5, encoding='scaled')", None,
    ),
]

# =============================================================================
# refutations: a rule's trigger is present, yet the model learns (or the cause is another)
# =============================================================================
def stateful_one_step_gru(rate=0.01):
    """Stateful GRU(32) fed one step per batch: Keras never back-propagates into the carried
    state, yet a plain train_on_batch loop takes it to 0.99 on lag(1) at Adam(1e-3)."""
    model = keras.Sequential([keras.Input((1, 10), batch_size=16), layers.GRU(32, stateful=True),
                              layers.Dense(10, activation="softmax")])
    model.compile(keras.optimizers.Adam(rate), "categorical_crossentropy")
    return model


@keras.saving.register_keras_serializable(package="rnncheck_corpus")
class TokensAndPositions(layers.Layer):
    """A token table (10) and a positional table (12, the window): the wider one is not the vocabulary."""

    def __init__(self, vocab=10, window=12, width=32, **kwargs):
        super().__init__(**kwargs)
        self.vocab, self.window, self.width = vocab, window, width
        self.tokens, self.positions = layers.Embedding(vocab, width), layers.Embedding(window, width)

    def call(self, x):
        return self.tokens(x) + self.positions(keras.ops.arange(0, keras.ops.shape(x)[-1]))

    def get_config(self):
        return {**super().get_config(), "vocab": self.vocab, "window": self.window, "width": self.width}


def positional_table_wider_than_vocab():
    tokens = keras.Input((12,), dtype="int32")
    x = TokensAndPositions()(tokens)
    x = layers.LayerNormalization()(x + layers.MultiHeadAttention(2, 16)(x, x, use_causal_mask=True))
    x = layers.LayerNormalization()(x + layers.Dense(32, activation="relu")(x))
    return keras.Model(tokens, layers.Dense(10, activation="softmax")(x))


def one_unit_head_lstm(activation="softmax"):
    """A softmax over one unit (always 1.0): its output depends on no input, which is the head's
    doing, not a missing context."""
    model = keras.Sequential([keras.Input((8, 1)), layers.LSTM(16), layers.Dense(1, activation=activation)])
    model.compile("adam", "binary_crossentropy")
    return model


def stacked_bidirectional_regressor():
    """A slow starter: near chance for 8-10k sequences while its loss falls, then it passes."""
    model = keras.Sequential([
        keras.Input((60, 1)),
        layers.Bidirectional(layers.LSTM(100, return_sequences=True)),
        layers.Bidirectional(layers.LSTM(100, return_sequences=True)),
        layers.Bidirectional(layers.LSTM(50)),
        layers.Dense(1),
    ])
    model.compile(optimizer="adam", loss="mse")
    return model


REFUTATIONS = [
    Case("stateful_one_step_gru_at_1e-2_lag1", stateful_one_step_gru, "lag(1)", None),
    Case("stateful_one_step_gru_at_1e-3_lag1", partial(stateful_one_step_gru, rate=0.001), "lag(1)", None),
    Case("positional_table_wider_than_vocab_lag2", positional_table_wider_than_vocab, "lag(2)", None),
    Case("one_unit_softmax_head_lag2", one_unit_head_lstm, "lag(2)", "activation-range",
         partial(one_unit_head_lstm, activation="sigmoid")),
    Case("stacked_bidirectional_regressor_lag1", stacked_bidirectional_regressor,
         "lag(1, causal=True, encoding='continuous')", None),
]

from corpus_examples import CASES as PUBLIC_EXAMPLES  # noqa: E402 - it imports Case from here

CASES = BROKEN + HEALTHY + REFUTATIONS + PUBLIC_EXAMPLES

BY_NAME = {case.name: case for case in CASES}
assert len(BY_NAME) == len(CASES), "case names must be unique"
