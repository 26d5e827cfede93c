#!/bin/sh
# Top-1 Loc of class-agnostic C2AM maps combined with a classifier's predicted class (the CAM run of
# the same seed), vs the CAM run's own maps; run after c2am_experiments.sh.
# Usage: scripts/results/c2am_top1loc.sh DATA_ROOT RUNS_DIR "SEEDS" ["MAPS"]   (MAPS: run names, default "c2am cam")
set -eu
data=$1; runs=$2; seeds=${3:-"0 1 2"}; maps_runs=${4:-"c2am cam"}
wsol=${WSOL:-.build/release/wsol}
meta=$data/metadata/SynthWSOL
for seed in $seeds; do
  for split in test test-counter; do
    for maps in $maps_runs; do
      $wsol evaluate --metadata $meta/$split --scoremaps $runs/$maps-s$seed/maps-$split/scoremaps --input-size 64 \
        --cam-curve-interval 0.01 --predictions $runs/cam-s$seed/maps-$split/top5.csv --json \
        > $runs/top1loc-$maps-s$seed-$split.json
    done
  done
done
python3 - "$runs" "$(dirname "$0")" <<'PY'
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tables import cell
root = Path(sys.argv[1])
print("| maps | classifier | split | Top-1 Cls | Top-1 Loc | GT-known Loc |")
print("|---|---|---|---|---|---|")
for maps in ["cam", "c2am", "c2am-sup", "c2am-quirk"]:
    for split in ["test", "test-counter"]:
        runs = [json.loads(p.read_text()) for p in sorted(root.glob(f"top1loc-{maps}-s[0-9]*-{split}.json"))]
        if not runs:
            continue
        print(f"| {maps} | CAM run's top-1 | {split} | " + " | ".join(cell([r[k] for r in runs]) for k in ["Top1Cls", "Top1Loc", "GTKnownLoc"]) + " |")
PY
