#!/usr/bin/env python3
"""Draws the package icon (eng/icon.png): a sealed envelope on a blue square, 128x128 RGBA.

Only the standard library (zlib, struct); run it again after changing the drawing:
    python3 eng/make-icon.py
"""
import os
import struct
import zlib

SIZE = 128
BLUE = (0x1F, 0x5F, 0xAF, 255)
WHITE = (255, 255, 255, 255)
LINE = (0x9A, 0xB6, 0xD8, 255)
SEAL = (0xC8, 0x2A, 0x2A, 255)
CLEAR = (0, 0, 0, 0)


def pixel(x, y):
    # Rounded blue square (corner radius 20).
    r = 20
    cx = min(max(x, r), SIZE - 1 - r)
    cy = min(max(y, r), SIZE - 1 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return CLEAR
    # The envelope: a white rectangle with the flap's two edges drawn in light blue.
    left, right, top, bottom = 22, 105, 36, 92
    if left <= x <= right and top <= y <= bottom:
        # Wax seal where the flap meets.
        if (x - 64) ** 2 + (y - 66) ** 2 <= 11 ** 2:
            return SEAL
        flap = top + (x - left) * (66 - top) / (64 - left) if x <= 64 else top + (right - x) * (66 - top) / (right - 64)
        if abs(y - flap) <= 1.6:
            return LINE
        return WHITE
    return BLUE


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def main():
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(SIZE)) for y in range(SIZE))
    png = (b"\x89PNG\r\n\x1a\n"
           + chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 9))
           + chunk(b"IEND", b""))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "icon.png")
    with open(path, "wb") as f:
        f.write(png)


if __name__ == "__main__":
    main()
