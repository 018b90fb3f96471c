#!/bin/sh
# Full-size PyTorch reference runs (1 thread, seed 0): SimCLR and SupCon for EPOCHS epochs, raw-pixel probe.
cd "$(dirname "$0")/.." || exit 1
S=results/real-data/split; L=results/real-data/logs; EPOCHS=${EPOCHS:-1}
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
for m in simclr supcon; do
  nice -n 10 /usr/bin/python3 real-data/torch_real.py --split $S --size full --method $m --epochs "$EPOCHS" --seed 0 > $L/torch-full-$m.json 2> $L/torch-full-$m.err
done
nice -n 10 /usr/bin/python3 real-data/torch_real.py --split $S --size full --raw-probe > $L/torch-full-raw.json 2> $L/torch-full-raw.err
