"""The examples in the docstrings run and print what they say."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import harsanyi

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(harsanyi.__path__, "harsanyi.")
    if not info.name.endswith("_core")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failures == 0


def test_every_public_name_is_documented():
    for name in harsanyi.__all__:
        obj = getattr(harsanyi, name)
        assert obj.__doc__ and len(obj.__doc__.strip()) > 20, name
