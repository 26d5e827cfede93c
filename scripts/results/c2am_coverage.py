#!/usr/bin/env python3
"""Whole-object vs part coverage of score maps on SynthWSOL (needs the generator's parts/ masks).

Usage: c2am_coverage.py DATA_ROOT VAL_MAPS TEST_SPLIT TEST_MAPS SIZE [--label NAME]

For one kind of map (e.g. a CAM run's or a C2AM run's `wsol localize` score maps at SIZE px):
the cut tau is chosen on train-fullsup (VAL_MAPS over the `val` split) as the one maximising the
pooled pixel IoU of `map >= tau` with the object masks (grid 0.01); then, on TEST_SPLIT, it prints
the fraction of object pixels, of part pixels, of body pixels (object minus part) and of
background pixels at or above tau, pooled over the split. Masks are resized with OpenCV-style
nearest neighbour (source index floor(dst * W / SIZE)), as the evaluation does.
"""
import json
import os
import sys

import numpy as np
from PIL import Image


def nearest(mask, size):
    rows = (np.arange(size) * mask.shape[0]) // size
    cols = (np.arange(size) * mask.shape[1]) // size
    return mask[rows][:, cols]


def load_split(root, split, maps, size):
    meta = os.path.join(root, "metadata", "SynthWSOL", split)
    items = []
    with open(os.path.join(meta, "localization.txt")) as handle:
        for line in handle:
            image_id, mask_path = line.strip().split(",")[:2]
            score = np.load(os.path.join(maps, os.path.splitext(image_id)[0] + ".npy"))
            obj = nearest(np.array(Image.open(os.path.join(root, mask_path))) > 0, size)
            part_path = os.path.join(root, "parts" + mask_path[len("masks"):])
            part = nearest(np.array(Image.open(part_path)) > 0, size) & obj
            items.append((score, obj, part))
    return items


def best_cut(items):
    cuts = np.arange(0, 1, 0.01)
    inter = np.zeros(len(cuts))
    union = np.zeros(len(cuts))
    for score, obj, _ in items:
        for k, cut in enumerate(cuts):
            pred = score >= cut
            inter[k] += np.sum(pred & obj)
            union[k] += np.sum(pred | obj)
    iou = inter / np.maximum(union, 1)
    k = int(np.argmax(iou))
    return float(cuts[k]), float(iou[k] * 100)


def coverage(items, cut):
    sums = {"object": [0, 0], "part": [0, 0], "body": [0, 0], "background": [0, 0], "iou": [0, 0]}
    for score, obj, part in items:
        pred = score >= cut
        for name, region in (("object", obj), ("part", part), ("body", obj & ~part), ("background", ~obj)):
            sums[name][0] += int(np.sum(pred & region))
            sums[name][1] += int(np.sum(region))
        sums["iou"][0] += int(np.sum(pred & obj))
        sums["iou"][1] += int(np.sum(pred | obj))
    return {name: round(100 * hit / max(total, 1), 2) for name, (hit, total) in sums.items()}


def main():
    args = sys.argv[1:]
    label = "maps"
    if "--label" in args:
        at = args.index("--label")
        label = args[at + 1]
        del args[at:at + 2]
    root, val_maps, test_split, test_maps, size = args
    size = int(size)
    cut, val_iou = best_cut(load_split(root, "val", val_maps, size))
    result = {"label": label, "split": test_split, "cut": cut, "valIoU": round(val_iou, 2)}
    result.update(coverage(load_split(root, test_split, test_maps, size), cut))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
