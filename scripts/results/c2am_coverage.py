#!/usr/bin/env python3
"""Whole-object vs part coverage of score maps on SynthWSOL (needs the generator's parts/ masks).

Usage: c2am_coverage.py DATA_ROOT VAL_MAPS TEST_SPLIT TEST_MAPS SIZE [--label NAME] [--cut TAU]

For one kind of map (a CAM run's or a C2AM run's `wsol localize` score maps at SIZE px, min-max
normalised) on TEST_SPLIT, pooled over its images:
* `mean*`: the mean map value on object, part, body (object minus part) and background pixels
  (threshold-free);
* `object`, `part`, `body`, `background`: the percentage of those pixels with map >= TAU
  (default 0.5, a fixed cut for every method);
* `valBestCut`/`valIoU`: for reference, the cut maximising the pooled pixel IoU with the object
  masks on train-fullsup (VAL_MAPS over `val`; 0 means "everything foreground" wins).
Masks are resized with OpenCV-style nearest neighbour (source index floor(dst * W / SIZE)), as the
evaluation does.
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


def mean_scores(items):
    sums = {"meanObject": [0.0, 0], "meanPart": [0.0, 0], "meanBody": [0.0, 0], "meanBackground": [0.0, 0]}
    for score, obj, part in items:
        for name, region in (("meanObject", obj), ("meanPart", part), ("meanBody", obj & ~part),
                             ("meanBackground", ~obj)):
            sums[name][0] += float(np.sum(score[region]))
            sums[name][1] += int(np.sum(region))
    return {name: round(total / max(count, 1), 4) for name, (total, count) in sums.items()}


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
    label, cut = "maps", 0.5
    if "--label" in args:
        at = args.index("--label")
        label = args[at + 1]
        del args[at:at + 2]
    if "--cut" in args:
        at = args.index("--cut")
        cut = float(args[at + 1])
        del args[at:at + 2]
    root, val_maps, test_split, test_maps, size = args
    size = int(size)
    val_cut, val_iou = best_cut(load_split(root, "val", val_maps, size))
    result = {"label": label, "split": test_split, "cut": cut, "valBestCut": val_cut, "valIoU": round(val_iou, 2)}
    items = load_split(root, test_split, test_maps, size)
    result.update(mean_scores(items))
    result.update(coverage(items, cut))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
