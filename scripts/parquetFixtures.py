"""Writes test/parquet/, the Parquet fixtures of src/data/formats/parquet.test.ts and the fuzzer's seeds.

Run with pyarrow (Debian has no python3-pyarrow: `python3 -m venv v && v/bin/pip install pyarrow`):
    v/bin/python scripts/parquetFixtures.py
The RecScope IA of each table is computed with numpy float64 by Debian's /usr/bin/python3 (numpy), called below.
- fields.parquet: id, field (string) and embedding (list<float32>) columns, snappy, row groups of 16 rows:
  the rows of each field are one table ("embedding[field=user]");
- vectors.parquet: one fixed_size_list<double, 5> column, gzip-compressed, no field column;
- zstd.parquet: as vectors.parquet, zstd-compressed (polars' default).
"""
import json
import os
import random
import subprocess

import pyarrow as pa
import pyarrow.parquet as pq

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'parquet')
os.makedirs(OUT, exist_ok=True)
rng = random.Random(3)

user = [[rng.gauss(0, 1) for _ in range(8)] for _ in range(40)]
basis = [[rng.gauss(0, 1) for _ in range(8)] for _ in range(2)]
item = []
for _ in range(25):  # a collapsed item table: rank 2 plus a little noise
    a, b = rng.gauss(0, 1), rng.gauss(0, 1)
    item.append([a * basis[0][k] + b * basis[1][k] + 0.01 * rng.gauss(0, 1) for k in range(8)])
rows = [('user', v) for v in user] + [('item', v) for v in item]
rng.shuffle(rows)
table = pa.table({
    'id': pa.array(range(len(rows)), pa.int64()),
    'field': pa.array([f for f, _ in rows]),
    'embedding': pa.array([v for _, v in rows], pa.list_(pa.float32())),
})
pq.write_table(table, os.path.join(OUT, 'fields.parquet'), row_group_size=16, compression='snappy')

vectors = [[rng.gauss(0, 1) for _ in range(5)] for _ in range(12)]
flat = pa.table({'vector': pa.array(vectors, pa.list_(pa.float64(), 5))})
pq.write_table(flat, os.path.join(OUT, 'vectors.parquet'), compression='gzip')
pq.write_table(flat, os.path.join(OUT, 'zstd.parquet'), compression='zstd')

# Values as the files hold them (float32 for fields.parquet), read back with pyarrow.
back = pq.read_table(os.path.join(OUT, 'fields.parquet')).to_pylist()
tables = {
    'fields.parquet': {
        f'embedding[field={f}]': [r['embedding'] for r in back if r['field'] == f] for f in ['user', 'item']
    },
    'vectors.parquet': {'vector': [r['vector'] for r in pq.read_table(os.path.join(OUT, 'vectors.parquet')).to_pylist()]},
}
IA = """
import json, sys
import numpy as np
t = json.load(sys.stdin)
def ia(rows):
    e = np.asarray(rows, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])
print(json.dumps({f: {n: ia(r) for n, r in d.items()} for f, d in t.items()}))
"""
ias = json.loads(subprocess.run(['/usr/bin/python3', '-c', IA], input=json.dumps(tables), capture_output=True, text=True, check=True).stdout)
expected = {f: {n: {'values': r, 'recscope_ia': ias[f][n]} for n, r in d.items()} for f, d in tables.items()}
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump({'pyarrow': pa.__version__, 'files': expected}, f, indent=1)
print('pyarrow', pa.__version__, {f: {n: round(v['recscope_ia'], 4) for n, v in d.items()} for f, d in expected.items()})
