#!/usr/bin/env python3
"""Markdown table of scripts/results/c2am_regressor.sh's outputs (docs/results.md, C²AM section).

Usage: scripts/results/c2am_regressor_table.py RUNS_DIR
Rows: boxes from CAM maps, from C2AM maps (both at the oracle threshold of the split), from the
regressor trained on C2AM pseudo boxes (psol) and on ground-truth boxes (gtbox); classes from the
CAM run of the same seed. Mean ± sample standard deviation over seeds.
"""
import json
import re
import sys
from pathlib import Path

from tables import cell

root = Path(sys.argv[1])
keys = ["Top1Cls", "Top1Loc", "GTKnownLoc", "MaxBoxAccV2"]


def results(kind, split):
    if kind == "cam" or kind.startswith("c2am"):
        paths = sorted(root.glob(f"top1loc-{kind}-s[0-9]*-{split}.json"))
    else:
        pattern = re.compile(re.escape(kind) + r"-s\d+")
        paths = sorted(p / f"eval-{split}.json" for p in root.iterdir()
                       if pattern.fullmatch(p.name) and (p / f"eval-{split}.json").exists())
    return [json.loads(p.read_text()) for p in paths]


labels = {"cam": "CAM maps", "c2am": "C²AM maps (from scratch)", "c2am-sup": "C²AM maps (CAM-initialised)",
          "c2am-quirk": "C²AM maps (from scratch, --quirk-compat)",
          "psol": "regressor on C²AM (from scratch) pseudo boxes",
          "psol-sup": "regressor on C²AM (CAM-initialised) pseudo boxes",
          "psol-quirk": "regressor on C²AM (--quirk-compat) pseudo boxes",
          "gtbox": "regressor on ground-truth boxes (upper bound)"}
print("| boxes from | split | seeds | Top-1 Cls | Top-1 Loc | GT-known Loc | MaxBoxAccV2 |")
print("|---|---|---|---|---|---|---|")
for kind in ["cam", "c2am", "c2am-sup", "c2am-quirk", "psol", "psol-sup", "psol-quirk", "gtbox"]:
    for split in ["test", "test-counter"]:
        runs = results(kind, split)
        if not runs:
            continue
        print(f"| {labels[kind]} | {split} | {len(runs)} | " + " | ".join(cell([r[k] for r in runs]) for k in keys) + " |")
print()
print("| boxes from | classes from | split | seeds | Top-1 Cls | Top-1 Loc | GT-known Loc | MaxBoxAccV2 |")
print("|---|---|---|---|---|---|---|---|")
for kind in labels:
    for split in ["test", "test-counter"]:
        runs = [json.loads(p.read_text()) for p in sorted(root.glob(f"top1loc-cicam-{kind}-s[0-9]*-{split}.json"))]
        if runs:
            print(f"| {labels[kind]} | CI-CAM run | {split} | {len(runs)} | "
                  + " | ".join(cell([r[k] for r in runs]) for k in keys) + " |")
print()
print("| pseudo boxes from | seed | images kept | CorLoc of the pseudo boxes | regressor test GT-known |")
print("|---|---|---|---|---|")
for summary in sorted(root.glob("pseudo-meta*-s*.txt")):
    suffix, seed = re.fullmatch(r"pseudo-meta(.*)-s(\d+)", summary.stem).groups()
    kept = summary.read_text().split(":")[1].split(" images")[0].strip()
    corloc = root / f"pseudo-corloc{suffix}-s{seed}.txt"
    corloc_text = f"{json.loads(corloc.read_text())['CorLoc']:.1f}" if corloc.exists() else "-"
    path = root / f"psol{suffix}-s{seed}" / "eval-test.json"
    regressor = f"{json.loads(path.read_text())['GTKnownLoc']:.1f}" if path.exists() else "-"
    print(f"| c2am{suffix} | {seed} | {kept} | {corloc_text} | {regressor} |")
