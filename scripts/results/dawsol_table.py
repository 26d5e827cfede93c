#!/usr/bin/env python3
"""DA-WSOL vs CAM table of docs/results.md: mean ± sample sd over seeds of `wsol train --test` runs.

Usage: scripts/results/dawsol_table.py RUNS_DIR   (RUNS_DIR/<label>-s<seed>/manifest.json; rows by label)
Columns: val (train-fullsup, used for tuning), test and test-counter metrics of the last checkpoint.
"""
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

runs = defaultdict(list)
for manifest in sorted(Path(sys.argv[1]).glob("*-s*/manifest.json")):
    data = json.loads(manifest.read_text())
    if data["metrics"].get("final"):
        runs[manifest.parent.name.rsplit("-s", 1)[0]].append(data)

def cell(values):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f}"

columns = [("train-fullsup", "maxBoxAccV2"), ("train-fullsup", "pxap"),
           ("test", "top1Accuracy"), ("test", "maxBoxAccV2"), ("test", "pxap"),
           ("test-counter", "top1Accuracy"), ("test-counter", "maxBoxAccV2"), ("test-counter", "pxap")]
print("| run | seeds | val MaxBoxAccV2 | val PxAP | test Top-1 | test MaxBoxAccV2 | test PxAP "
      "| counter Top-1 | counter MaxBoxAccV2 | counter PxAP |")
print("|---|---|---|---|---|---|---|---|---|---|")
for label in sorted(runs):
    group = runs[label]
    values = [cell([run["metrics"]["final"].get(split, {}).get(key) for run in group]) for split, key in columns]
    print(f"| {label} | {len(group)} | " + " | ".join(values) + " |")
