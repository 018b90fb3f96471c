#!/bin/sh
# Small-size runs (10 000 training images, width ×½, EPOCHS epochs): ours then PyTorch (1 thread) for
# each method and seed, plus both raw-pixel probes and augmentation throughputs. Logs in results/real-data/logs.
cd "$(dirname "$0")/.." || exit 1
S=results/real-data/split; L=results/real-data/logs; EPOCHS=${EPOCHS:-2}; SEEDS=${SEEDS:-"0 1 2"}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
for seed in $SEEDS; do
  for m in simclr supcon; do
    nice -n 10 node real-data/ours.mjs --size small --method $m --epochs "$EPOCHS" --seed $seed > $L/ours-small-$m-$seed.json 2> $L/ours-small-$m-$seed.err
    nice -n 10 /usr/bin/python3 real-data/torch_real.py --split $S --size small --method $m --epochs "$EPOCHS" --seed $seed > $L/torch-small-$m-$seed.json 2> $L/torch-small-$m-$seed.err
  done
done
nice -n 10 node real-data/ours.mjs --size small --raw-probe --aug-bench > $L/ours-small-raw.json 2> $L/ours-small-raw.err
nice -n 10 /usr/bin/python3 real-data/torch_real.py --split $S --size small --raw-probe --aug-bench > $L/torch-small-raw.json 2> $L/torch-small-raw.err
