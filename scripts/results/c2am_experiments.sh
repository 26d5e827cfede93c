#!/bin/sh
# C2AM vs vanilla CAM on SynthWSOL standard (docs/results.md, "C²AM" section).
# Usage: scripts/results/c2am_experiments.sh DATA_ROOT RUNS_DIR "SEEDS" ["METHODS"]
# METHODS (default "c2am cam") are run names: cam, c2am (from scratch, Adam 3e-4), c2am-sup
# (initialised from the CAM run of the same seed, which must exist), c2am-quirk (from scratch,
# --quirk-compat with SGD and the poly schedule). Each C2AM variant's CAMs are refined with its map
# (background cues) when the CAM run of that seed exists.
# DATA_ROOT must have the generator's parts/ masks (wsol synth of this version).
set -eu
data=$1; runs=$2; seeds=${3:-"0 1 2"}; methods=${4:-"c2am cam"}
wsol=${WSOL:-.build/release/wsol}
meta=$data/metadata/SynthWSOL
mkdir -p $runs
common="--data-root $data --arch tiny --width 16 --input-size 64 --resize-size 72 --batch-size 32 --quiet --overwrite --test"

# Flags of one run name; learning rates chosen on train-fullsup (docs/c2am.md).
flags() {
  case $1 in
    cam) echo "--method cam --epochs 12 --optimizer adam --schedule cosine --lr 0.003" ;;
    c2am) echo "--method c2am --epochs 12 --optimizer adam --schedule cosine --lr ${C2AM_LR:-0.0003}" ;;
    c2am-sup) echo "--method c2am --epochs ${C2AM_SUP_EPOCHS:-4} --optimizer adam --schedule cosine --lr ${C2AM_SUP_LR:-0.0003}" \
      "--pretrained $runs/cam-s$2/checkpoint-last.safetensors" ;;
    c2am-quirk) echo "--method c2am --epochs 12 --optimizer sgd --schedule poly --lr ${C2AM_QUIRK_LR:-0.03} --quirk-compat" ;;
    *) echo "unknown run name $1" >&2; exit 2 ;;
  esac
}

for seed in $seeds; do
  for method in $methods; do
    run=$runs/$method-s$seed
    $wsol train $common $(flags $method $seed) --seed $seed --out $run > $run.train.txt 2>&1
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
  for method in $methods; do
    [ $method = cam ] && continue
    [ -d $runs/cam-s$seed/maps-test ] || continue
    suffix=${method#c2am}
    for split in test test-counter; do
      out=$runs/refined$suffix-s$seed-$split
      $wsol refine-cams --cams $runs/cam-s$seed/maps-$split/scoremaps --foreground $runs/$method-s$seed/maps-$split/scoremaps \
        --metadata $meta/$split --data-root $data --input-size 64 --out $out > $out.miou.json
      $wsol evaluate --metadata $meta/$split --scoremaps $out --input-size 64 --mask --data-root $data \
        --cam-curve-interval 0.01 --json > $out.eval.json
    done
  done
done
