"""The second reader of triage: a character n-gram model that flags a message for same-day review.

The rules read a message through the lexicon; what the lexicon has no words for they cannot see. This model reads
the raw characters instead: TF-IDF of character 1–3-grams and a logistic regression trained by
`ml.train_triage_text` on the development cases (`tests/triage/cases*.jsonl`, written by independent writers and
labelled by clinical sources), with "emergency or urgent" as its target. It is a flag for review, never a
diagnosis: the engine uses it only to raise an answer of routine or self-care to urgent (see today, team alerted),
never to lower a level and never to call for an ambulance. Thresholds and figures: docs/triage.md §2.4.

The trained weights are a plain table (`ml/artifacts/triage_text.tsv`: the n-gram as a JSON string, its idf, its
coefficient) with a JSON sidecar, scored here in the standard library: no pickle is loaded at run time and
scikit-learn is needed only to train. `probability` reproduces scikit-learn's `TfidfVectorizer(analyzer="char",
ngram_range=(1, 3), sublinear_tf=True)` followed by `LogisticRegression.predict_proba`
(tests/triage/test_text_model.py holds the two equal).
"""
from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ARTIFACT = Path(__file__).resolve().parent / "artifacts" / "triage_text.tsv"
SIDECAR = ARTIFACT.with_suffix(".json")
NGRAMS = (1, 3)
_WHITE_SPACES = re.compile(r"\s\s+")  # scikit-learn's char analyzer folds runs of white space the same way
_HAN = re.compile(r"[\u4e00-\u9fff]")
MIN_HAN = 6


def char_ngrams(text: str) -> Counter[str]:
    """The character n-grams scikit-learn's char analyzer yields for `text` (lower-cased), counted."""
    t = _WHITE_SPACES.sub(" ", text.lower())
    low, high = NGRAMS
    return Counter(t[i:i + n] for n in range(low, high + 1) for i in range(len(t) - n + 1))


@dataclass(frozen=True)
class TextModel:
    weights: dict[str, tuple[float, float]]  # n-gram -> (idf, coefficient)
    intercept: float
    thresholds: dict[str, float]  # nothing_recognised, rules_answered

    def probability(self, text: str) -> float:
        """P(emergency or urgent) for `text`: l2-normalised sublinear TF-IDF, then the logistic function."""
        dot = norm = 0.0
        for gram, count in char_ngrams(text).items():
            known = self.weights.get(gram)
            if known is not None:
                w = (1.0 + math.log(count)) * known[0]
                norm += w * w
                dot += w * known[1]
        z = self.intercept + (dot / math.sqrt(norm) if norm else 0.0)
        return 1.0 / (1.0 + math.exp(-z))

    def flags(self, text: str, *, rules_answered: bool) -> bool:
        """True when the message should be seen today by a doctor. A rule that answered by its own criterion
        (`rules_answered`) is overruled only at the higher threshold. A message of fewer than MIN_HAN Chinese
        characters (a name, an ID number, a menu digit, 我爸) says too little to be read this way."""
        if len(_HAN.findall(text)) < MIN_HAN:
            return False
        key = "rules_answered" if rules_answered else "nothing_recognised"
        return self.probability(text) >= self.thresholds[key]


def read(table: Path = ARTIFACT, sidecar: Path = SIDECAR) -> TextModel:
    """Load the weight table and its sidecar (intercept, thresholds)."""
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    weights = {}
    for line in table.read_text(encoding="utf-8").split("\n"):
        if line:
            gram, idf, coef = line.rsplit("\t", 2)
            weights[json.loads(gram)] = (float(idf), float(coef))
    thresholds = {key: float(value) for key, value in meta["thresholds"].items()}
    return TextModel(weights=weights, intercept=float(meta["intercept"]), thresholds=thresholds)


@cache
def model() -> TextModel:
    """The shipped model, read once per process."""
    return read()
