"""A user's ordinary test: installing the plugin must not disturb it."""


def test_arithmetic():
    assert 1 + 1 == 2
