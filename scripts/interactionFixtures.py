"""Writes test/interaction/: DCNv2 checkpoints in thuml/Multi-Embedding's key layout, and the
numpy float64 interaction-collapse matrices they should give (SCIENCE.md section 1).

Run with Debian's python3-torch and python3-numpy (the tests read the committed files):
    /usr/bin/python3 scripts/interactionFixtures.py
The model classes are Multi-Embedding's own (scripts/multiEmbeddingModels.py), so the state-dict keys are theirs: embedding.embedding.weight, cn.W.<l>, cn.b.<l>,
mlp.mlp.<n>.*, linear.*. The model is trained a few Adam steps on a toy click rule and saved
with torch.save(model.state_dict(), ...) at steps 0, 20, 60 and 120 (dcnv2_step<N>.pt): one
checkpoint series. expected.json holds, per file, the field sizes, the F x F matrix ia[i][j]
(IA of field i as seen by field j: rows of E_i W0[j-block, i-block]^T, each row divided by
its L2 norm + 1e-8, then sum s / s_max) and each field's own IA.
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'interaction')
torch.manual_seed(3)
np.random.seed(3)


from multiEmbeddingModels import CrossNetworkV2Model  # noqa: E402  (thuml/Multi-Embedding's classes)


FIELD_DIMS = [3, 12, 7, 20]
K = 4


def recscope_ia(rows):
    e = np.asarray(rows, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s.max())


def interaction(table, w0, field_dims):
    k = table.shape[1]
    offsets = np.concatenate([[0], np.cumsum(field_dims)])
    f = len(field_dims)
    ia, raw = [], []
    for i in range(f):
        e = table[offsets[i]:offsets[i + 1]]
        raw.append(recscope_ia(e))
        ia.append([recscope_ia(e @ w0[j * k:(j + 1) * k, i * k:(i + 1) * k].T) for j in range(f)])
    return {'field_dims': field_dims, 'ia': ia, 'rawIa': raw}


model = CrossNetworkV2Model(FIELD_DIMS, K, num_layers=2, mlp_dims=(16,), dropout=0.0)
with torch.no_grad():  # field 2 starts near-collapsed: rank 1 plus a little noise
    w = model.embedding.embedding.weight
    lo, hi = 15, 22
    w[lo:hi] = torch.randn(hi - lo, 1) @ torch.randn(1, K) + 0.01 * torch.randn(hi - lo, K)
opt = torch.optim.Adam(model.parameters(), lr=3e-2)
rows = 512
x = torch.stack([torch.randint(0, d, (rows,)) for d in FIELD_DIMS], 1)
y = ((x[:, 1] % 3 == 0) ^ (x[:, 3] < 8)).float()
expected = {}
saves = {0, 20, 60, 120}
for step in range(121):
    if step in saves:
        state = model.state_dict()
        name = f'dcnv2_step{step}.pt'
        torch.save(state, os.path.join(OUT, name))
        table = state['embedding.embedding.weight'].double().numpy()
        w0 = state['cn.W.0'].double().numpy()
        expected[name] = interaction(table, w0, FIELD_DIMS)
    model.train()
    opt.zero_grad()
    loss = torch.nn.functional.binary_cross_entropy(model(x), y)
    loss.backward()
    opt.step()

with open(os.path.join(OUT, 'field_dims.json'), 'w') as fh:
    json.dump({'field_dims': FIELD_DIMS}, fh)
with open(os.path.join(OUT, 'expected.json'), 'w') as fh:
    json.dump({'tensor': 'embedding.embedding.weight', 'weight': 'cn.W.0', 'files': expected}, fh, indent=1)
print('loss', float(loss))
for name, e in expected.items():
    print(name, 'rawIa', [round(v, 3) for v in e['rawIa']])
