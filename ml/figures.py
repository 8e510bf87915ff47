"""The model card's figures: ROC curves and calibration curves on the held-out residents.

Training- and docs-time only (`ml.train` imports it when it writes the card): matplotlib is pinned in
requirements.txt for training and tests, and the web app, the jobs and the scoring never import it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import matplotlib

matplotlib.use("Agg")  # files only, no display

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

Curve = tuple[str, np.ndarray, np.ndarray]  # label, x, y


def roc_and_calibration(
    roc: Mapping[str, Sequence[Curve]],
    calibration: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
    path: Path | str,
) -> None:
    """One row per kind: ROC curves of the scorers (left) and the model's calibration curve (right).

    `roc[kind]` = [(label, fpr, tpr), ...]; `calibration[kind]` = (mean predicted probability,
    observed fraction, residents per bin).
    """
    kinds = list(roc)
    fig, axes = plt.subplots(len(kinds), 2, figsize=(10, 4.6 * len(kinds)), squeeze=False)
    for row, kind in enumerate(kinds):
        ax = axes[row][0]
        for label, fpr, tpr in roc[kind]:
            ax.plot(fpr, tpr, label=label, linewidth=1.6)
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
        ax.set(title=f"{kind}: ROC, held-out residents", xlabel="1 - specificity", ylabel="sensitivity",
               xlim=(0, 1), ylim=(0, 1.01))
        ax.legend(loc="lower right", fontsize=9)
        ax.grid(alpha=0.3)
        ax = axes[row][1]
        mean_p, observed, counts = calibration[kind]
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="perfect calibration")
        ax.plot(mean_p, observed, marker="o", linewidth=1.6, label="model")
        for x, y, c in zip(mean_p, observed, counts):
            ax.annotate(str(int(c)), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7, color="grey")
        ax.set(title=f"{kind}: calibration (residents per bin in grey)", xlabel="predicted probability",
               ylabel="observed fraction off target", xlim=(0, 1), ylim=(0, 1.01))
        ax.legend(loc="upper left", fontsize=9)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})
    plt.close(fig)
