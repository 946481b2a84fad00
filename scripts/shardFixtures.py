"""Writes test/shards/: row-range shards of embedding tables, for src/analysis/partialGram.test.ts,
src/data/shardedTable.test.ts, e2e/partialGrams.spec.ts and the fuzzer's seeds.

Run with Debian's python3-numpy and python3-torch (the tests read the committed files, never Python):
    /usr/bin/python3 scripts/shardFixtures.py

- healthy_f32.shard-{0,1,2}.npy: test/reference/healthy_f32.npy (1200 x 16) cut at rows 500 and 901.
- fields_concat.shard-{0,1}.npy: test/reference/fields_concat.npy (543 x 16, field_dims 2,7,24,60,150,300)
  cut at row 100, inside field_4 (rows 93..242), so one field's rows lie in both shards.
- ebc_whole.pt and ebc_rank{0,1,2}.pt: a TorchRec-like EmbeddingBagCollection state dict (two tables
  with the same names in every file, plus a dense layer), whole and row-wise sharded (each rank holds
  a row range of every table, as row-wise sharding dumps them), saved by torch.save.
- bad/: shards that do not belong together: a different K, a different dtype, a different tensor name.
expected.json lists the cuts and numpy's float64 RecScope IA of each whole table.
"""
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(__file__)
REF = os.path.join(HERE, '..', 'test', 'reference')
OUT = os.path.join(HERE, '..', 'test', 'shards')
os.makedirs(os.path.join(OUT, 'bad'), exist_ok=True)


def recscope_ia(table):
    e = np.asarray(table, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])


def cut(table, rows):
    bounds = [0, *rows, len(table)]
    return [table[a:b] for a, b in zip(bounds, bounds[1:])]


expected = {}

healthy = np.load(os.path.join(REF, 'healthy_f32.npy'))
for i, part in enumerate(cut(healthy, [500, 901])):
    np.save(os.path.join(OUT, f'healthy_f32.shard-{i}.npy'), part)
expected['healthy_f32'] = {'whole': 'test/reference/healthy_f32.npy', 'cuts': [500, 901], 'recscope_ia': recscope_ia(healthy)}

concat = np.load(os.path.join(REF, 'fields_concat.npy'))
for i, part in enumerate(cut(concat, [100])):
    np.save(os.path.join(OUT, f'fields_concat.shard-{i}.npy'), part)
expected['fields_concat'] = {'whole': 'test/reference/fields_concat.npy', 'cuts': [100], 'field_dims': [2, 7, 24, 60, 150, 300]}

torch.manual_seed(11)
user = torch.randn(700, 16)
# A collapsed item table: rank 3 plus a little noise.
item = torch.randn(450, 3) @ torch.randn(3, 16) + 0.01 * torch.randn(450, 16)
dense = torch.randn(4, 32)
whole = {
    'embedding_bags.user.weight': user,
    'embedding_bags.item.weight': item,
    'dense.weight': dense,
}
torch.save(whole, os.path.join(OUT, 'ebc_whole.pt'))
user_cuts = [233, 467]
item_cuts = [150, 300]
for rank, (u, it) in enumerate(zip(cut(user, user_cuts), cut(item, item_cuts))):
    torch.save(
        {'embedding_bags.user.weight': u.clone(), 'embedding_bags.item.weight': it.clone(), 'dense.weight': dense.clone()},
        os.path.join(OUT, f'ebc_rank{rank}.pt'),
    )
expected['ebc'] = {
    'whole': 'test/shards/ebc_whole.pt',
    'cuts': {'embedding_bags.user.weight': user_cuts, 'embedding_bags.item.weight': item_cuts},
    'recscope_ia': {'embedding_bags.user.weight': recscope_ia(user), 'embedding_bags.item.weight': recscope_ia(item)},
}

# Shards that do not make one table with healthy_f32.shard-0.npy.
np.save(os.path.join(OUT, 'bad', 'healthy_f32.shard-1.k8.npy'), healthy[500:900, :8])
np.save(os.path.join(OUT, 'bad', 'healthy_f32.shard-1.f64.npy'), healthy[500:900].astype(np.float64))
torch.save(
    {'embedding_bags.users.weight': user[233:].clone(), 'embedding_bags.item.weight': item[150:].clone(), 'dense.weight': dense.clone()},
    os.path.join(OUT, 'bad', 'ebc_rank1_renamed.pt'),
)

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=2)
    f.write('\n')
