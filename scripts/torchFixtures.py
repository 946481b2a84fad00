"""Writes test/torch/, the PyTorch checkpoint fixtures of src/data/formats/torchCheckpoint.test.ts, e2e/import.spec.ts and the fuzzer's seeds.

Run with Debian's python3-torch (never needed by the tests, which read the committed files):
    /usr/bin/python3 scripts/torchFixtures.py
torch.save is not byte-reproducible across versions, so the files are committed with expected.json:
every tensor's shape, dtype and values, and the RecScope IA (numpy float64) of the 2-D float ones.
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'torch')
torch.manual_seed(7)


class Tower(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.user_embedding = torch.nn.Embedding(50, 8)
        self.item_embedding = torch.nn.Embedding(30, 8)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(16, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
        with torch.no_grad():  # a collapsed item table: rank 2 plus a little noise
            self.item_embedding.weight.copy_(torch.randn(30, 2) @ torch.randn(2, 8) + 0.01 * torch.randn(30, 8))

    def forward(self, u, i):
        return self.mlp(torch.cat([self.user_embedding(u), self.item_embedding(i)], 1))


def recscope_ia(table):
    e = np.asarray(table, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])


def describe(obj):
    out = {}
    for name, t in obj.items():
        a = t.detach().float().numpy() if t.dtype == torch.bfloat16 else t.detach().numpy()
        entry = {'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', ''), 'values': a.astype(np.float64).ravel().tolist()}
        if t.dim() == 2 and t.is_floating_point():
            entry['recscope_ia'] = recscope_ia(a)
        out[name] = entry
    return out


model = Tower()
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
loss = model(torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])).sum()
loss.backward()
opt.step()
state = model.state_dict()

big = torch.arange(40, dtype=torch.float32).reshape(10, 4)
files = {
    'state_dict.pt': state,
    'checkpoint.pt': {'epoch': 3, 'model_state_dict': state, 'optimizer_state_dict': opt.state_dict(), 'best_auc': 0.79, 'note': 'run 1'},
    'module.pt': model,
    'scripted.pt': None,  # torch.jit.save below
    'views.pt': {'rows': big[2:5], 'transposed': big.t(), 'half': big.half(), 'bf16': big[:3].bfloat16(), 'ids': torch.arange(6).reshape(3, 2)},
}
expected = {
    'state_dict.pt': describe(state),
    'checkpoint.pt': {**{f'model_state_dict.{k}': v for k, v in describe(state).items()}},
    'module.pt': describe(state),
    'scripted.pt': describe(state),
    'views.pt': describe({'rows': big[2:5], 'transposed': big.t().contiguous(), 'half': big.half(), 'bf16': big[:3].bfloat16(), 'ids': torch.arange(6).reshape(3, 2)}),
}
os.makedirs(OUT, exist_ok=True)
for name, obj in files.items():
    if name == 'scripted.pt':
        torch.jit.save(torch.jit.script(model), os.path.join(OUT, name))
    else:
        torch.save(obj, os.path.join(OUT, name))
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump({'torch': torch.__version__, 'files': expected}, f, indent=1)
print('wrote', sorted(files), 'with torch', torch.__version__)
