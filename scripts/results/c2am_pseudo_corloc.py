#!/usr/bin/env python3
"""CorLoc (IoU >= 0.5) of exported pseudo boxes against a split's ground-truth boxes.

Usage: c2am_pseudo_corloc.py BOXES_JSON SPLIT_DIR FRAME   (boxes.json of wsol localize; GT boxes
from localization_boxes.txt, inclusive corners, rescaled to the FRAME-px map frame by truncation).
"""
import json
import sys
from pathlib import Path

boxes_path, split, frame = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
sizes = {}
for line in (split / "image_sizes.txt").read_text().split():
    image_id, width, height = line.split(",")
    sizes[image_id] = (int(width), int(height))
truth = {}
for line in (split / "localization_boxes.txt").read_text().split():
    image_id, *corners = line.split(",")
    width, height = sizes[image_id]
    x0, y0, x1, y1 = (int(float(v)) for v in corners)
    truth.setdefault(image_id, []).append((x0 * frame // width, y0 * frame // height, x1 * frame // width, y1 * frame // height))


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]) + 1)
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]) + 1)
    inter = ix * iy
    area = lambda r: (r[2] - r[0] + 1) * (r[3] - r[1] + 1)
    return inter / (area(a) + area(b) - inter)


hits = total = 0
for record in json.loads(Path(boxes_path).read_text()):
    x, y, w, h = record["bbox"]
    box = (x, y, x + w - 1, y + h - 1)
    total += 1
    hits += max(iou(box, g) for g in truth[record["image_id"]]) >= 0.5
print(json.dumps({"images": total, "CorLoc": round(100 * hits / total, 1)}))
