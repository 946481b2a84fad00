"""Writes test/torch/multi-embedding/: checkpoints saved the way thuml/Multi-Embedding's main.py saves them.

Run with Debian's python3-torch and python3-numpy (the tests read the committed files, never torch):
    /usr/bin/python3 scripts/multiEmbeddingFixtures.py

The model classes below are copied from thuml/Multi-Embedding (torchfm/layer.py, torchfm/model/dcnv2.py,
torchfm/model/awesome.py; MIT licence), trimmed to what these models use, so the state-dict keys are the
repository's own: `embedding.embedding.weight`, `cn.W.0`, `mlp.mlp.0.weight` (DCNv2, 'dcn-10') and
`embeddings.<m>.embedding.weight`, `cns.<m>.0.W.0`, `cns.<m>.1.mlp.0.weight` (MultiDCNnew2, 'mdcn-3x10').
main.py saves `model.state_dict()` and, through EarlyStopper, `optimizer.state_dict()` (Adam) with torch.save.
Smaller than the paper's Criteo setup (6 fields of dim 10, not 39; MLP 40 wide, not 400) but the same layout.

Beside the checkpoints, the field sizes where practitioners keep them: field_dims.json, train.log (main.py's
`print(field_dims)` of a numpy array, then `print(sum(field_dims))`) and a FuxiCTR-style feature_map.json.
expected.json holds, per embedding table, every field's RecScope IA in numpy float64.
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'torch', 'multi-embedding')
FIELD_DIMS = np.array([3, 24, 120, 7, 60, 15])
FIELD_NAMES = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6']
EMBED_DIM = 10
torch.manual_seed(16)
np.random.seed(16)


from multiEmbeddingModels import CrossNetworkV2Model, MultiDCNnew2  # noqa: E402  (thuml/Multi-Embedding's classes)


# ---- a short training on synthetic clicks, as main.py's train() steps (Adam, BCELoss) ----
def synthetic_batch(n):
    x = np.stack([np.random.randint(0, d, size=n) for d in FIELD_DIMS], axis=1)
    logit = np.sin(x[:, 1]) + (x[:, 2] % 5 - 2) * 0.8 + 0.5 * (x[:, 4] % 3) - 0.5
    y = (np.random.rand(n) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    return torch.from_numpy(x).long(), torch.from_numpy(y)


def train(model, steps=300):
    optimizer = torch.optim.Adam(params=model.parameters(), lr=1e-2, weight_decay=1e-6)
    criterion = torch.nn.BCELoss()
    model.train()
    for _ in range(steps):
        x, y = synthetic_batch(128)
        loss = criterion(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    return optimizer


def recscope_ia(table):
    e = np.asarray(table, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])


def per_field(weight):
    w = weight.detach().numpy().astype(np.float64)
    ends = np.cumsum(FIELD_DIMS)
    return [recscope_ia(w[e - d:e]) for d, e in zip(FIELD_DIMS, ends)]


dcn = CrossNetworkV2Model(FIELD_DIMS, EMBED_DIM, num_layers=2, mlp_dims=(40, 40), dropout=0.2)
train(dcn)
mdcn = MultiDCNnew2(FIELD_DIMS, embed_dims=[EMBED_DIM] * 3, num_layers=2, mlp_dims=(40, 40), dropout=0.2)
mdcn_optimizer = train(mdcn)

os.makedirs(OUT, exist_ok=True)
torch.save(dcn.state_dict(), os.path.join(OUT, 'dcn-10_best.pth'))
torch.save(mdcn.state_dict(), os.path.join(OUT, 'mdcn-3x10_best.pth'))
torch.save(mdcn_optimizer.state_dict(), os.path.join(OUT, 'mdcn-3x10_optimizer.pth'))

with open(os.path.join(OUT, 'field_dims.json'), 'w') as f:
    json.dump([int(d) for d in FIELD_DIMS], f)
with open(os.path.join(OUT, 'train.log'), 'w') as f:  # what main.py's get_model prints, then its args line
    f.write("Namespace(dataset_name='criteo', model_name='mdcn-3x10', epoch=1, learning_rate=0.001)\n")
    f.write(f'{FIELD_DIMS}\n{sum(FIELD_DIMS)}\n')
with open(os.path.join(OUT, 'feature_map.json'), 'w') as f:  # FuxiCTR's FeatureMap.save layout
    json.dump({
        'dataset_id': 'tiny_criteo',
        'num_fields': len(FIELD_DIMS),
        'total_features': int(sum(FIELD_DIMS)),
        'input_length': len(FIELD_DIMS),
        'labels': ['label'],
        'features': [{name: {'source': '', 'type': 'categorical', 'padding_idx': 0, 'vocab_size': int(d)}} for name, d in zip(FIELD_NAMES, FIELD_DIMS)],
    }, f, indent=4)

expected = {
    'torch': torch.__version__,
    'field_dims': [int(d) for d in FIELD_DIMS],
    'embed_dim': EMBED_DIM,
    'files': {
        'dcn-10_best.pth': {
            'keys': {k: list(v.shape) for k, v in dcn.state_dict().items()},
            'recscope_ia': {'embedding.embedding.weight': per_field(dcn.embedding.embedding.weight)},
        },
        'mdcn-3x10_best.pth': {
            'keys': {k: list(v.shape) for k, v in mdcn.state_dict().items()},
            'recscope_ia': {f'embeddings.{m}.embedding.weight': per_field(e.embedding.weight) for m, e in enumerate(mdcn.embeddings)},
        },
        'mdcn-3x10_optimizer.pth': {
            'state_keys': sorted(next(iter(mdcn_optimizer.state_dict()['state'].values())).keys()),
            'states': len(mdcn_optimizer.state_dict()['state']),
        },
    },
}
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
print('wrote', sorted(os.listdir(OUT)), 'with torch', torch.__version__)
print(json.dumps(expected['files']['mdcn-3x10_best.pth']['recscope_ia'], indent=1))
print(json.dumps(expected['files']['dcn-10_best.pth']['recscope_ia'], indent=1))
