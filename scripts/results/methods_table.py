#!/usr/bin/env python3
"""Mean and spread over seeds of `wsol train --test` runs: prints the markdown table of docs/results.md.

Usage: scripts/results/methods_table.py RUNS_DIR   (RUNS_DIR/<method>-s<seed>/manifest.json)
"""
import statistics
import sys

from tables import cell, finished_runs

runs = finished_runs(sys.argv[1], key=lambda directory, data: data["config"]["method"]["name"])

columns = [("test", "top1Accuracy"), ("test", "maxBoxAccV2"), ("test", "pxap"),
           ("test-counter", "top1Accuracy"), ("test-counter", "maxBoxAccV2"), ("test-counter", "pxap")]
print("| method | seeds | test Top-1 | test MaxBoxAccV2 | test PxAP | counter Top-1 | counter MaxBoxAccV2 | counter PxAP | s/run |")
print("|---|---|---|---|---|---|---|---|---|")
for method in ["cam", "has", "cutmix", "adl"]:
    group = runs.get(method, [])
    if not group:
        continue
    values = [cell([run["metrics"]["final"].get(split, {}).get(key) for run in group]) for split, key in columns]
    seconds = statistics.mean(sum(e["seconds"] for e in run["metrics"]["epochs"]) for run in group)
    print(f"| {method} | {len(group)} | " + " | ".join(values) + f" | {seconds:.0f} |")
