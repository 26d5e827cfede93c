#!/bin/sh
# C2AM vs vanilla CAM on SynthWSOL standard (docs/results.md, "C²AM" section).
# Usage: scripts/results/c2am_experiments.sh DATA_ROOT RUNS_DIR "SEEDS"
# DATA_ROOT must have the generator's parts/ masks (wsol synth of this version).
set -eu
data=$1; runs=$2; seeds=${3:-"0 1 2"}
wsol=${WSOL:-.build/release/wsol}
meta=$data/metadata/SynthWSOL
mkdir -p $runs
# C2AM's learning rate was chosen on train-fullsup (docs/results.md); CAM keeps its baseline 0.003.
c2am_lr=${C2AM_LR:-0.0003}
common="--data-root $data --arch tiny --width 16 --input-size 64 --resize-size 72 --batch-size 32 --epochs 12 --optimizer adam --schedule cosine --quiet --overwrite --test"
for seed in $seeds; do
  for method in c2am cam; do
    run=$runs/$method-s$seed
    lr=0.003; [ $method = c2am ] && lr=$c2am_lr
    $wsol train $common --method $method --lr $lr --seed $seed --out $run > $run.train.txt 2>&1
    for split in val test test-counter; do
      $wsol localize --run $run --checkpoint best --metadata $meta/$split --data-root $data --input-size 64 \
        --target gt --out $run/maps-$split --quiet > /dev/null
    done
    for split in test test-counter; do
      # Boxes at the threshold calibrated on train-fullsup (never on test), and PxAP.
      $wsol evaluate --metadata $meta/$split --scoremaps $run/maps-$split/scoremaps --input-size 64 --mask \
        --data-root $data --cam-curve-interval 0.01 --calibrate-on $meta/val \
        --calibration-scoremaps $run/maps-val/scoremaps --calibration-mode per-iou --out $run/eval-$split --json > $run/eval-$split.json
      python3 scripts/results/c2am_coverage.py $data $run/maps-val/scoremaps $split $run/maps-$split/scoremaps 64 \
        --label $method-s$seed > $run/coverage-$split.json
    done
  done
  for split in test test-counter; do
    out=$runs/refined-s$seed-$split
    $wsol refine-cams --cams $runs/cam-s$seed/maps-$split/scoremaps --foreground $runs/c2am-s$seed/maps-$split/scoremaps \
      --metadata $meta/$split --data-root $data --input-size 64 --out $out > $out.miou.json
    $wsol evaluate --metadata $meta/$split --scoremaps $out --input-size 64 --mask --data-root $data \
      --cam-curve-interval 0.01 --json > $out.eval.json
  done
done
# Pseudo boxes for every training image (seed 0's C2AM, largest box at the calibrated threshold).
first=$(echo $seeds | cut -d' ' -f1)
$wsol localize --run $runs/c2am-s$first --checkpoint best --metadata $meta/train --data-root $data --input-size 64 \
  --target gt --calibration $runs/c2am-s$first/eval-test/summary.json --boxes largest --out $runs/c2am-s$first/pseudo-train --quiet > /dev/null
