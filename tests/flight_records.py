"""Flight records of a two-layer model whose weights move by chosen amounts (no Keras)."""

import numpy as np


def recorded(updates, losses, trainable=True):
    from pytest_rnncheck.recorder import FlightRecorder, LayerRecord

    record = FlightRecorder([LayerRecord("lstm", "LSTM", trainable, 100), LayerRecord("dense", "Dense", True, 50)])
    weights = {"lstm": np.ones(100), "dense": np.ones(50)}
    record.start(weights)
    for k, (update, loss) in enumerate(zip(updates, losses)):
        weights = {name: w * (1 + update) for name, w in weights.items()}
        record.look(2048 * (k + 1), 0.01, loss, 3, weights)
    return record
