#!/bin/sh
# Top-1 Loc of class-agnostic boxes paired with a separate, context-robust classifier (CI-CAM,
# docs/cicam.md; its last checkpoint, the trained classifier), the way PSOL pairs its regressor with
# a classifier; run after c2am_regressor.sh.
# Usage: scripts/results/c2am_classifier_top1loc.sh DATA_ROOT RUNS_DIR CLASSIFIER_RUNS "SEEDS" "SOURCES"
# CLASSIFIER_RUNS holds ci-cam-s<seed> (scripts/results/cicam_runs.sh); SOURCES are run names
# of RUNS_DIR with maps-<split>/scoremaps (cam, c2am-sup, psol-sup, gtbox, ...). Writes
# RUNS_DIR/top1loc-cicam-<source>-s<seed>-<split>.json.
set -eu
data=$1; runs=$2; classifiers=$3; seeds=${4:-"0 1 2"}; sources=${5:-"cam c2am-sup psol-sup gtbox"}
wsol=${WSOL:-.build/release/wsol}
meta=$data/metadata/SynthWSOL
for seed in $seeds; do
  for split in test test-counter; do
    classes=$runs/cicam-classes-s$seed/$split
    $wsol localize --run $classifiers/ci-cam-s$seed --checkpoint last --metadata $meta/$split --data-root $data --input-size 64 \
      --out $classes --quiet > /dev/null
    for source in $sources; do
      $wsol evaluate --metadata $meta/$split --scoremaps $runs/$source-s$seed/maps-$split/scoremaps --input-size 64 \
        --cam-curve-interval 0.01 --predictions $classes/top5.csv --json > $runs/top1loc-cicam-$source-s$seed-$split.json
    done
  done
done
