#!/usr/bin/env python3
"""DA-WSOL vs CAM table of docs/results.md: mean ± sample sd over seeds of `wsol train --test` runs.

Usage: scripts/results/dawsol_table.py RUNS_DIR   (RUNS_DIR/<label>-s<seed>/manifest.json; rows by label)
Columns: val (train-fullsup, used for tuning), test and test-counter metrics of the last checkpoint.
"""
import sys

from tables import cell, finished_runs_by_label

runs = finished_runs_by_label(sys.argv[1])

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
