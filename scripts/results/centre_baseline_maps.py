#!/usr/bin/env python3
"""Writes the centre-Gaussian baseline map (sigma = side / 4, min-max normalised) as one .npy per
image of a split, for `wsol evaluate` (docs/results.md).

Usage: scripts/results/centre_baseline_maps.py SPLIT_METADATA_DIR OUT_DIR SIZE
"""
import os
import sys

import numpy as np

metadata, out, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
centre = (size - 1) / 2
ys, xs = np.mgrid[0:size, 0:size]
sigma = size / 4
gaussian = np.exp(-((xs - centre) ** 2 + (ys - centre) ** 2) / (2 * sigma ** 2))
gaussian = ((gaussian - gaussian.min()) / (gaussian.max() - gaussian.min())).astype(np.float32)
with open(os.path.join(metadata, "image_ids.txt")) as ids:
    for image_id in (line.strip() for line in ids if line.strip()):
        path = os.path.join(out, os.path.splitext(image_id)[0] + ".npy")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        np.save(path, gaussian)
