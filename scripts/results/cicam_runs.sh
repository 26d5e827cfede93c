#!/bin/sh
# CI-CAM and KD-CI-CAM vs vanilla CAM on SynthWSOL standard (docs/results.md, "CI-CAM and KD-CI-CAM").
# Per seed: vanilla CAM, CI-CAM (also the classification teacher), the localization teacher
# (CI-CAM + the aux loss at rate 0.5) and the KD-CI-CAM student of those two teachers.
# Usage: [STAGES="cam ci-cam teachers student"] scripts/results/cicam_runs.sh [SEEDS...]   (default 0 1 2);
# TEACHER_SEED=S makes every student use the teachers of seed S.
# then scripts/results/cicam_table.py runs/cicam
set -e
WSOL=${WSOL:-.build/release/wsol}
DATA=${DATA:-data/synthwsol-standard}
OUT=${OUT:-runs/cicam}
SEEDS=${*:-0 1 2}
EPOCHS=${EPOCHS:-6}
common() {
  "$WSOL" train --data-root "$DATA" --arch tiny --width 16 --input-size 64 --resize-size 72 --batch-size 32 \
    --epochs "$EPOCHS" --optimizer adam --lr 0.003 --schedule cosine --quiet --overwrite --test "$@"
}
for stage in ${STAGES:-cam ci-cam teachers student}; do
  for seed in $SEEDS; do
    case $stage in
      cam) common --method cam --seed "$seed" --out "$OUT/cam-s$seed" ;;
      ci-cam) common --method ci-cam --seed "$seed" --out "$OUT/ci-cam-s$seed" ;;
      teachers)
        common --method ci-cam --seed "$seed" --cicam-auxiliary aux --cicam-auxiliary-rate 0.5 --out "$OUT/teacher-loc-s$seed" ;;
      student)
        common --method kd-ci-cam --seed "$seed" --kd-classification-teacher "$OUT/ci-cam-s${TEACHER_SEED:-$seed}" \
          --kd-localization-teacher "$OUT/teacher-loc-s${TEACHER_SEED:-$seed}" --out "$OUT/kd-ci-cam-s$seed" ;;
    esac
  done
done
