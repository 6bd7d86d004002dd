#!/usr/bin/env python3
"""Checks a QEMU monitor screendump (PPM) shows the Shodo window with the network ISOLATED.

check_screenshot.py SHOT.ppm
Shodo draws a light status bar along the bottom edge (RGB 240,240,236) and, in it, the network
chip: pale green (205,235,210) for ISOLATED, red (176,0,32) for NOT ISOLATED
(app/gui/status_bar.cpp). A text console, an empty X root or another program has neither.
"""
import sys


def read_ppm(path):
    data = open(path, "rb").read()
    parts, pos = [], 0
    while len(parts) < 4:  # magic, width, height, maxval — with comments and whitespace between
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    pos += 1
    if parts[0] != b"P6" or parts[3] != b"255":
        raise SystemExit(f"FAIL {path}: not an 8-bit binary PPM")
    return int(parts[1]), int(parts[2]), data[pos:]


def main():
    w, h, px = read_ppm(sys.argv[1])
    fails = 0

    def check(ok, what, detail=""):
        nonlocal fails
        print(("  ok   " if ok else "  FAIL ") + what + ("" if ok else f": {detail}"))
        fails += 0 if ok else 1

    def near(p, c, tol=6):
        return all(abs(p[i] - c[i]) <= tol for i in range(3))

    check(w >= 1024 and h >= 768, f"screen is at least 1024x768 ({w}x{h})", f"{w}x{h}")
    band = range(max(0, h - 40), h)  # the status bar is at the bottom edge
    bar = chip_ok = chip_bad = 0
    for y in band:
        row = px[y * w * 3:(y + 1) * w * 3]
        for x in range(0, w, 2):
            p = row[x * 3:x * 3 + 3]
            if near(p, (240, 240, 236), 2):
                bar += 1
            elif near(p, (205, 235, 210)):
                chip_ok += 1
            elif near(p, (176, 0, 32)):
                chip_bad += 1
    sampled = len(band) * ((w + 1) // 2)
    check(bar > sampled * 0.3, "Shodo's status bar spans the bottom edge", f"{bar} of {sampled} sampled pixels")
    check(chip_ok > 200, "the network chip is green: ISOLATED from the first frame", f"{chip_ok} green pixels")
    check(chip_bad < 50, "no red NOT ISOLATED / READ-ONLY chip", f"{chip_bad} red pixels")
    top = px[: w * 3 * (h - 60)]
    distinct = len({top[i:i + 3] for i in range(0, len(top), 3 * 97)})
    check(distinct > 8, "the screen above the status bar has content", f"{distinct} distinct sampled colours")
    print(f"  {'PASS' if fails == 0 else 'FAIL'}: {fails} failed check(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
