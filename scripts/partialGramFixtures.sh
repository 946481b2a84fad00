#!/bin/sh
# Writes test/shards/parts/: partial Grams written by reclens gram itself from the shards in
# test/shards (scripts/shardFixtures.py), for e2e/partialGrams.spec.ts and the fuzzer's seeds.
#     sh scripts/partialGramFixtures.sh
set -e
cd "$(dirname "$0")/.."
for r in 0 1 2; do
  node bin/reclens.mjs gram "test/shards/ebc_rank$r.pt" --out "test/shards/parts/ebc_rank$r.json"
done
# A concatenated table split by field_dims: its shards summed as one table.
node bin/reclens.mjs gram test/shards/fields_concat.shard-0.npy test/shards/fields_concat.shard-1.npy --field-dims 2,7,24,60,150,300 --out test/shards/parts/fields_concat.json
