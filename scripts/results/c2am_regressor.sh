#!/bin/sh
# The PSOL step of C2AM on SynthWSOL (docs/results.md, "C²AM"): pseudo boxes of each seed's C2AM
# run -> a class-agnostic box regressor (tiny, from scratch, the CAM baseline's budget) -> boxes
# combined with the CAM run's class for Top-1 Loc. The head trains at the base rate (--lr-multiplier 1:
# every layer is new, and Adam at 10x stalls the head at the mean box). With GTBOX=1 (default) also the same regressor
# trained on the ground-truth training boxes (a fully supervised upper bound, not a WSOL result).
# Usage: scripts/results/c2am_regressor.sh DATA_ROOT RUNS_DIR "SEEDS" ["SOURCES"]
# SOURCES (default "c2am"): C2AM run names of c2am_experiments.sh (c2am, c2am-sup, c2am-quirk);
# source c2am<suffix> gives regressor runs psol<suffix>-s<seed>.
set -eu
data=$1; runs=$2; seeds=${3:-"0 1 2"}; sources=${4:-"c2am"}
wsol=${WSOL:-.build/release/wsol}
meta=$data/metadata/SynthWSOL
common="--data-root $data --arch tiny --width 16 --input-size 64 --resize-size 72 --batch-size 32 --epochs 12 --optimizer adam --lr 0.003 --schedule cosine --lr-multiplier 1 --quiet --overwrite --method box-regressor"

# Trains regressor run $1 with extra flags $3..., localizes test splits, scores with seed $2's CAM classes.
regressor() {
  run=$1; seed=$2; shift 2
  $wsol train $common "$@" --seed $seed --out $run > $run.train.txt 2>&1
  for split in test test-counter; do
    $wsol localize --run $run --checkpoint best --metadata $meta/$split --data-root $data --input-size 64 \
      --out $run/maps-$split --quiet > /dev/null
    $wsol evaluate --metadata $meta/$split --scoremaps $run/maps-$split/scoremaps --input-size 64 \
      --cam-curve-interval 0.01 --predictions $runs/cam-s$seed/maps-$split/top5.csv --json > $run/eval-$split.json
  done
}

for seed in $seeds; do
  for source in $sources; do
    c2am=$runs/$source-s$seed; suffix=${source#c2am}
    # Pseudo boxes: the largest box per training image at the threshold calibrated on train-fullsup.
    $wsol localize --run $c2am --checkpoint best --metadata $meta/train --data-root $data --input-size 64 \
      --target gt --calibration $c2am/eval-test/summary.json --boxes largest --out $c2am/pseudo-train --quiet > /dev/null
    $wsol pseudo-boxes --boxes $c2am/pseudo-train/boxes.json --metadata-root $data/metadata --dataset SynthWSOL \
      --out $runs/pseudo-meta$suffix-s$seed > $runs/pseudo-meta$suffix-s$seed.txt
    python3 scripts/results/c2am_pseudo_corloc.py $c2am/pseudo-train/boxes.json $meta/train 64 > $runs/pseudo-corloc$suffix-s$seed.txt
    regressor $runs/psol$suffix-s$seed $seed --metadata-root $runs/pseudo-meta$suffix-s$seed
  done
  if [ "${GTBOX:-1}" = 1 ]; then regressor $runs/gtbox-s$seed $seed; fi
done
