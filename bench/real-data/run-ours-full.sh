#!/bin/sh
# Full-size runs on our library path (seed 0): SimCLR and SupCon for EPOCHS epochs (in parallel), then the raw-pixel probe.
cd "$(dirname "$0")/.." || exit 1
L=results/real-data/logs; EPOCHS=${EPOCHS:-1}; TAG=${TAG:-ours}
for m in simclr supcon; do
  nice -n 10 node real-data/ours.mjs --size full --method $m --epochs "$EPOCHS" --seed 0 > $L/$TAG-full-$m.json 2> $L/$TAG-full-$m.err &
done
wait
