#!/usr/bin/env python3
"""Mean and spread over seeds of `wsol train --test` runs: prints the markdown table of docs/results.md.

Usage: scripts/results/methods_table.py RUNS_DIR   (RUNS_DIR/<method>-s<seed>/manifest.json)
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
        runs[data["config"]["method"]["name"]].append(data)

def cell(values):
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{statistics.mean(values):.1f} ± {statistics.stdev(values):.1f}"

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
