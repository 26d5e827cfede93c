#!/usr/bin/env python3
"""Mean and spread over seeds of the CI-CAM comparison runs (scripts/results/cicam_runs.sh):
prints the markdown table of docs/results.md, with the context-leak figure.

Usage: scripts/results/cicam_table.py RUNS_DIR   (RUNS_DIR/<variant>-s<seed>/manifest.json)
"""
import statistics
import sys

from tables import cell, finished_runs_by_label

runs = finished_runs_by_label(sys.argv[1])

columns = [(split, key) for split in ("test", "test-counter")
           for key in ("top1Accuracy", "maxBoxAccV2", "pxap", "contextLeak")]
print("| variant | seeds | test Top-1 | test MaxBoxAccV2 | test PxAP | test leak % "
      "| counter Top-1 | counter MaxBoxAccV2 | counter PxAP | counter leak % | s/run |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
order = ["cam", "ci-cam", "teacher-loc", "kd-ci-cam"]
for variant in order + sorted(set(runs) - set(order)):
    group = runs.get(variant, [])
    if not group:
        continue
    values = [cell([run["metrics"]["final"].get(split, {}).get(key) for run in group]) for split, key in columns]
    seconds = statistics.mean(sum(e["seconds"] for e in run["metrics"]["epochs"]) for run in group)
    print(f"| {variant} | {len(group)} | " + " | ".join(values) + f" | {seconds:.0f} |")
