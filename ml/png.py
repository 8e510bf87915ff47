"""A tiny ROC plot renderer writing PNG with numpy and zlib (no matplotlib in the runtime)."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Sequence

import numpy as np

# 5x7 bitmap glyphs, rows top to bottom ("#" = ink). Text is drawn upper-case.
_GLYPHS = {
    "A": ".###.#...##...#######...##...##...#", "B": "####.#...#####.#...##...##...#####.",
    "C": ".###.#...##....#....#....#...#.###.", "D": "####.#...##...##...##...##...#####.",
    "E": "######....####.#....#....#....#####", "F": "######....####.#....#....#....#....",
    "G": ".###.#...##....#.####...##...#.####", "H": "#...##...#######...##...##...##...#",
    "I": ".###...#....#....#....#....#...###.", "J": "..###" "...#." "...#." "...#." "...#." "#..#." ".##..",
    "K": "#...##..#.#.#..##...#.#..#..#.#...#", "L": "#....#....#....#....#....#....#####",
    "M": "#...###.###.#.##...##...##...##...#", "N": "#...###..##.#.##..###...##...##...#",
    "O": ".###.#...##...##...##...##...#.###.", "P": "####.#...##...#####.#....#....#....",
    "Q": ".###.#...##...##...##.#.##..#..##.#", "R": "####.#...##...#####.#.#..#..#.#...#",
    "S": ".####" "#...." "#...." ".###." "....#" "....#" "####.", "T": "#####..#....#....#....#....#....#..",
    "U": "#...##...##...##...##...##...#.###.", "V": "#...##...##...##...##...#.#.#...#..",
    "W": "#...##...##...##.#.##.#.##.#.#.#.#.", "X": "#...##...#.#.#...#...#.#.#...##...#",
    "Y": "#...##...#.#.#...#....#....#....#..", "Z": "#####....#...#...#...#...#....#####",
    "0": ".###.#...##..###.#.###..##...#.###.", "1": "..#...##....#....#....#....#...###.",
    "2": ".###.#...#....#...#...#...#...#####", "3": "#####" "...#." "..#.." "...#." "....#" "#...#" ".###.",
    "4": "...#...##..#.#.#..#.#####...#....#.", "5": "######....####.....#....##...#.###.",
    "6": "..##..#...#....####.#...##...#.###.", "7": "#####....#...#...#...#....#....#...",
    "8": ".###.#...##...#.###.#...##...#.###.", "9": ".###.#...##...#.####....#...#..##..",
    ".": "..........................##...##..", "-": "....." "....." "....." ".###." "....." "....." ".....",
    "_": "..............................#####", "/": "....#" "...#." "...#." "..#.." ".#..." ".#..." "#....",
    ":": "......##...##.........##...##......", "(": "...#...#...#....#....#.....#.....#.",
    ")": ".#.....#.....#....#....#...#...#...", "=": "..........#####.....#####..........",
    " ": "." * 35,
}


def _glyph(ch: str) -> np.ndarray:
    rows = _GLYPHS.get(ch.upper(), _GLYPHS[" "])
    rows = (rows + "." * 35)[:35]
    return np.array([[c == "#" for c in rows[r * 5:(r + 1) * 5]] for r in range(7)], dtype=bool)


class Canvas:
    """An RGB raster with lines, rectangles and 5x7 text."""

    def __init__(self, width: int, height: int) -> None:
        self.img = np.full((height, width, 3), 255, dtype=np.uint8)

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: Sequence[int]) -> None:
        h, w = self.img.shape[:2]
        self.img[max(y0, 0):min(y1, h), max(x0, 0):min(x1, w)] = color

    def line(self, x0: float, y0: float, x1: float, y1: float, color: Sequence[int], width: int = 2,
             dash: int = 0) -> None:
        n = int(max(abs(x1 - x0), abs(y1 - y0))) + 1
        xs = np.linspace(x0, x1, n)
        ys = np.linspace(y0, y1, n)
        if dash:
            keep = (np.arange(n) // dash) % 2 == 0
            xs, ys = xs[keep], ys[keep]
        r = width // 2
        for x, y in zip(np.round(xs).astype(int), np.round(ys).astype(int)):
            self.rect(x - r, y - r, x - r + width, y - r + width, color)

    def text(self, x: int, y: int, s: str, color: Sequence[int] = (0, 0, 0), scale: int = 2) -> None:
        for k, ch in enumerate(s):
            g = _glyph(ch)
            for r, c in zip(*np.nonzero(g)):
                px, py = x + (k * 6 + c) * scale, y + r * scale
                self.rect(px, py, px + scale, py + scale, color)

    def save(self, path: Path | str) -> None:
        """Write an 8-bit RGB PNG."""
        h, w = self.img.shape[:2]
        raw = b"".join(b"\x00" + self.img[y].tobytes() for y in range(h))

        def chunk(tag: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

        png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
               + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
        Path(path).write_bytes(png)


COLORS = ((200, 30, 30), (30, 90, 200), (40, 150, 60), (150, 150, 150))


def roc_panels(panels: Sequence[tuple[str, Sequence[tuple[str, np.ndarray, np.ndarray]]]], path: Path | str) -> None:
    """Panels of ROC curves: [(title, [(label, fpr, tpr), ...]), ...] side by side."""
    size, margin_l, margin_t, margin_b, gap = 320, 60, 52, 150, 50
    width = margin_l + len(panels) * (size + gap)
    cv = Canvas(width, margin_t + size + margin_b)
    for p, (title, curves) in enumerate(panels):
        x0 = margin_l + p * (size + gap)
        y0 = margin_t
        cv.text(x0, 6, title)
        for k in range(0, 11, 2):  # grid and ticks every 0.2
            gx = x0 + size * k / 10
            gy = y0 + size - size * k / 10
            cv.line(gx, y0, gx, y0 + size, (230, 230, 230), 1)
            cv.line(x0, gy, x0 + size, gy, (230, 230, 230), 1)
            cv.text(int(gx) - 10, y0 + size + 6, f"{k / 10:.1f}", (90, 90, 90), 1)
            cv.text(x0 - 26, int(gy) - 3, f"{k / 10:.1f}", (90, 90, 90), 1)
        cv.line(x0, y0 + size, x0 + size, y0, COLORS[3], 1, dash=4)
        cv.line(x0, y0, x0, y0 + size, (0, 0, 0), 1)
        cv.line(x0, y0 + size, x0 + size, y0 + size, (0, 0, 0), 1)
        cv.text(x0 + size // 2 - 40, y0 + size + 20, "FALSE POS RATE", (0, 0, 0), 1)
        cv.text(x0 - 20, y0 - 14, "TRUE POS RATE", (0, 0, 0), 1)
        for c, (label, fpr, tpr) in enumerate(curves):
            color = COLORS[c % 3]
            xs = x0 + size * np.asarray(fpr)
            ys = y0 + size - size * np.asarray(tpr)
            for i in range(len(xs) - 1):
                cv.line(xs[i], ys[i], xs[i + 1], ys[i + 1], color, 2)
            ly = y0 + size + 44 + c * 26
            cv.rect(x0, ly + 2, x0 + 18, ly + 8, color)
            cv.text(x0 + 26, ly, label, (0, 0, 0), 2 if len(label) <= 22 else 1)
    cv.save(path)
