"""Helpers shared by the results-table scripts of scripts/results/ (imported from their folder)."""
import json
import statistics
from collections import defaultdict
from pathlib import Path


def cell(values, digits=1):
    """Mean ± sample standard deviation of the non-None values, '-' when there are none."""
    values = [v for v in values if v is not None]
    if not values:
        return "-"
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.mean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def finished_runs(root, key):
    """Manifests of finished runs under root/*-s<seed>/, grouped by key(run directory, manifest)."""
    runs = defaultdict(list)
    for manifest in sorted(Path(root).glob("*-s*/manifest.json")):
        data = json.loads(manifest.read_text())
        if data["metrics"].get("final"):
            runs[key(manifest.parent, data)].append(data)
    return runs


def finished_runs_by_label(root):
    """Manifests of finished runs under root/<label>-s<seed>/, grouped by label."""
    return finished_runs(root, key=lambda directory, data: directory.name.rsplit("-s", 1)[0])
