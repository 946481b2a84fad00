"""Writes test/torch/legacy_*.pt: checkpoints in PyTorch's format from before 1.6 (a pickle stream
followed by raw storages), as torch.save(..., _use_new_zipfile_serialization=False) still writes it.

Run with Debian's python3-torch (never needed by the tests, which read the committed files):
    /usr/bin/python3 scripts/torchLegacyFixtures.py
The values are in test/torch/legacy_expected.json, with the RecScope IA (numpy float64) of the 2-D float ones.
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'torch')
torch.manual_seed(11)


def recscope_ia(table):
    e = np.asarray(table, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])


def describe(obj):
    out = {}
    for name, t in obj.items():
        a = t.detach().float().numpy() if t.dtype in (torch.bfloat16, torch.float16) else t.detach().numpy()
        entry = {'shape': list(t.shape), 'dtype': str(t.dtype).replace('torch.', ''), 'values': a.astype(np.float64).ravel().tolist()}
        if t.dim() == 2 and t.is_floating_point():
            entry['recscope_ia'] = recscope_ia(a)
        out[name] = entry
    return out


emb = torch.nn.Embedding(40, 6)
with torch.no_grad():  # a collapsed second table: rank 2 plus a little noise
    collapsed = torch.randn(25, 2) @ torch.randn(2, 6) + 0.01 * torch.randn(25, 6)
mlp = torch.nn.Linear(12, 3)
state = {'user_embedding.weight': emb.weight.detach(), 'item_embedding.weight': collapsed, 'mlp.weight': mlp.weight.detach(), 'mlp.bias': mlp.bias.detach()}
opt = torch.optim.Adam([emb.weight], lr=1e-2)
emb(torch.tensor([1, 2, 3])).sum().backward()
opt.step()

big = torch.arange(40, dtype=torch.float64).reshape(10, 4)
views = {'rows': big[2:5], 'transposed': big.t(), 'half': big.half(), 'ids': torch.arange(6).reshape(3, 2)}
files = {
    'legacy_state_dict.pt': state,
    'legacy_checkpoint.pt': {'epoch': 2, 'model': state, 'optimizer': opt.state_dict()},
    'legacy_views.pt': views,
}
expected = {
    'legacy_state_dict.pt': describe(state),
    'legacy_checkpoint.pt': {f'model.{k}': v for k, v in describe(state).items()},
    'legacy_views.pt': describe({**views, 'transposed': big.t().contiguous()}),
}
for name, obj in files.items():
    torch.save(obj, os.path.join(OUT, name), _use_new_zipfile_serialization=False)
with open(os.path.join(OUT, 'legacy_expected.json'), 'w') as f:
    json.dump({'torch': torch.__version__, 'files': expected}, f, indent=1)
print('wrote', sorted(files), 'with torch', torch.__version__)
