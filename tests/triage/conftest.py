"""Fixtures of the triage tests."""
from __future__ import annotations

import dataclasses
import math

import pytest

from app.services.triage import engine
from ml.triage_text import model


@pytest.fixture(scope="module")
def rules_only():
    """The rules alone, with the second reader (ml.triage_text) switched off: the modules that hold the rules'
    own answers on messages written for them use it. The second reader is tested in test_text_model.py, and both
    together in the rounds' floors and the held-out figures."""
    off = dataclasses.replace(model(), thresholds={key: math.inf for key in model().thresholds})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "text_model", lambda: off)
        yield
