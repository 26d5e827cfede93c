#!/usr/bin/env python3
"""Markdown tables of scripts/results/c2am_experiments.sh's outputs (docs/results.md, C²AM section).

Usage: scripts/results/c2am_table.py RUNS_DIR
"""
import json
import re
import sys
from pathlib import Path

from tables import cell

root = Path(sys.argv[1])


def cell2(values):
    return cell(values, digits=2)


def load(path):
    return json.loads(path.read_text()) if path.exists() else None


def seeds(method):
    pattern = re.compile(re.escape(method) + r"-s\d+")
    return sorted(p for p in root.iterdir() if pattern.fullmatch(p.name) and p.is_dir() and (p / "eval-test.json").exists())


# cam, c2am (from scratch), c2am-sup (initialised from the CAM run), c2am-quirk (--quirk-compat).
methods = [m for m in ["cam", "c2am", "c2am-sup", "c2am-quirk"] if seeds(m)]


splits = ["test", "test-counter"]
print("| method | seeds | test MaxBoxAccV2 (oracle τ) | test BoxAccV2 (τ from train-fullsup) | test PxAP"
      " | counter MaxBoxAccV2 | counter BoxAccV2 (τ from train-fullsup) | counter PxAP |")
print("|---|---|---|---|---|---|---|---|")
for method in methods:
    runs = seeds(method)
    cells = []
    for split in splits:
        evals = [load(run / f"eval-{split}.json") for run in runs]
        cells += [cell([e["MaxBoxAccV2"] for e in evals]), cell([e["calibration"].get("BoxAccV2") for e in evals]),
                  cell([e["PxAP"] for e in evals])]
    print(f"| {method} | {len(runs)} | " + " | ".join(cells) + " |")

print()
print("| run | best epoch | test MaxBoxAccV2 | test PxAP | counter MaxBoxAccV2 | counter PxAP |")
print("|---|---|---|---|---|---|")
for method in methods:
    for run in seeds(method):
        evals = [load(run / f"eval-{split}.json") for split in splits]
        best = load(run / "manifest.json")["metrics"].get("bestEpoch")
        print(f"| {run.name} | {best} | " + " | ".join(f"{e[k]:.1f}" for e in evals for k in ["MaxBoxAccV2", "PxAP"]) + " |")

print()
print("| method | best epoch (train-fullsup) | last ckpt: test MaxBoxAccV2 | test PxAP | counter MaxBoxAccV2 | counter PxAP |")
print("|---|---|---|---|---|---|")
for method in methods:
    manifests = [load(run / "manifest.json") for run in seeds(method)]
    finals = [m["metrics"].get("final", {}) for m in manifests]
    best = ", ".join(str(m["metrics"].get("bestEpoch")) for m in manifests)
    values = [cell([f.get(split, {}).get(key) for f in finals]) for split in splits for key in ["maxBoxAccV2", "pxap"]]
    print(f"| {method} | {best} | " + " | ".join(values) + " |")

print()
print("| method | split | mean map: part | body (object − part) | background | ≥ 0.5: part | body | background | IoU(≥ 0.5, object) |")
print("|---|---|---|---|---|---|---|---|---|")
for method in methods:
    for split in splits:
        cover = [load(run / f"coverage-{split}.json") for run in seeds(method)]
        cover = [c for c in cover if c]
        if not cover:
            continue
        means = [cell2([c[key] for c in cover]) for key in ["meanPart", "meanBody", "meanBackground"]]
        values = [cell([c[key] for c in cover]) for key in ["part", "body", "background", "iou"]]
        print(f"| {method} | {split} | " + " | ".join(means + values) + " |")

print()
print("| C²AM run | split | seeds | CAM PxAP | refined PxAP | C²AM PxAP | CAM mIoU (best constant bg) | refined mIoU | C²AM F > 0.5 mIoU |")
print("|---|---|---|---|---|---|---|---|---|")
for method in [m for m in methods if m != "cam"]:
    suffix = method[len("c2am"):]
    for split in splits:
        rows = []
        for seed_run in seeds(method):
            seed = seed_run.name.rsplit("-", 1)[1]
            miou = load(root / f"refined{suffix}-{seed}-{split}.miou.json")
            refined_eval = load(root / f"refined{suffix}-{seed}-{split}.eval.json")
            cam = load(root / f"cam-{seed}" / f"eval-{split}.json")
            c2am = load(seed_run / f"eval-{split}.json")
            if miou and refined_eval and cam and c2am:
                rows.append((cam["PxAP"], refined_eval["PxAP"], c2am["PxAP"], miou["camMIoU"], miou["refinedMIoU"],
                             miou["foregroundMIoU"]))
        if rows:
            print(f"| {method} | {split} | {len(rows)} | " + " | ".join(cell([r[k] for r in rows]) for k in range(6)) + " |")
