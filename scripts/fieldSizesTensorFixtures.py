"""Writes test/torch/field-sizes/: checkpoints whose model keeps its field sizes as a tensor.

Run with Debian's python3-torch and python3-numpy (the tests read the committed files, never torch):
    /usr/bin/python3 scripts/fieldSizesTensorFixtures.py

thuml/Multi-Embedding keeps FeaturesEmbedding.offsets as a numpy attribute, so its state_dict has no
field sizes; models that register them as a buffer (torch.nn.Module.register_buffer, as torchrec-style
and many hand-written CTR models do) save them beside the table. Two such models, one concatenated
table each (fields of 4, 30, 9, 50 rows, dim 8):
  offsets_buffer.pth     `embedding.offsets` = (0, 4, 34, 43) int64, the offsets forward() adds
  field_dims_buffer.pth  `field_dims` = (4, 30, 9, 50) int64, stored at the model's root
  dcn_offsets_buffer.pth a DCNv2 (untrained) with the same offsets buffer and its cross layer cn.W.0
expected.json holds their keys and shapes, the sizes, and every field's RecScope IA in numpy float64.
"""
import json
import os

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'torch', 'field-sizes')
FIELD_DIMS = [4, 30, 9, 50]
EMBED_DIM = 8
torch.manual_seed(16)


class OffsetsEmbedding(torch.nn.Module):
    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.embedding = torch.nn.Embedding(sum(field_dims), embed_dim)
        self.register_buffer('offsets', torch.tensor((0, *np.cumsum(field_dims)[:-1]), dtype=torch.long))

    def forward(self, x):
        return self.embedding(x + self.offsets.unsqueeze(0))


class OffsetsModel(torch.nn.Module):
    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.embedding = OffsetsEmbedding(field_dims, embed_dim)
        self.linear = torch.nn.Linear(embed_dim, 1)

    def forward(self, x):
        return torch.sigmoid(self.linear(self.embedding(x).mean(dim=1)).squeeze(1))


class FieldDimsModel(torch.nn.Module):
    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.register_buffer('field_dims', torch.tensor(field_dims, dtype=torch.long))
        self.embedding = torch.nn.Embedding(sum(field_dims), embed_dim)
        self.linear = torch.nn.Linear(embed_dim, 1)

    def forward(self, x):
        offsets = torch.cumsum(self.field_dims, 0) - self.field_dims
        return torch.sigmoid(self.linear(self.embedding(x + offsets.unsqueeze(0)).mean(dim=1)).squeeze(1))


def train(model, steps=150):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        x = torch.stack([torch.randint(0, d, (64,)) for d in FIELD_DIMS], dim=1)
        y = ((x[:, 1] % 3 == 0) | (x[:, 3] < 10)).float()
        loss = torch.nn.functional.binary_cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def recscope_ia(table):
    e = np.asarray(table, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])


def per_field(weight):
    w = weight.detach().numpy().astype(np.float64)
    ends = np.cumsum(FIELD_DIMS)
    return [recscope_ia(w[e - d:e]) for d, e in zip(FIELD_DIMS, ends)]


os.makedirs(OUT, exist_ok=True)
models = {'offsets_buffer.pth': OffsetsModel(FIELD_DIMS, EMBED_DIM), 'field_dims_buffer.pth': FieldDimsModel(FIELD_DIMS, EMBED_DIM)}
expected = {'torch': torch.__version__, 'field_dims': FIELD_DIMS, 'embed_dim': EMBED_DIM, 'files': {}}
for name, model in models.items():
    train(model)
    torch.save(model.state_dict(), os.path.join(OUT, name))
    table = 'embedding.embedding.weight' if name.startswith('offsets') else 'embedding.weight'
    state = model.state_dict()
    expected['files'][name] = {
        'keys': {k: list(v.shape) for k, v in state.items()},
        'sizes_tensor': {k: v.tolist() for k, v in state.items() if k.endswith('offsets') or k.endswith('field_dims')},
        'table': table,
        'recscope_ia': per_field(state[table]),
    }


class CrossNetworkV2(torch.nn.Module):  # thuml/Multi-Embedding's torchfm/model/dcnv2.py, one layer
    def __init__(self, input_dim):
        super().__init__()
        self.W = torch.nn.ParameterList([torch.nn.Parameter(torch.empty(input_dim, input_dim))])
        self.b = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(input_dim))])
        torch.nn.init.xavier_uniform_(self.W[0])


class OffsetsDCN(torch.nn.Module):
    """A DCNv2 whose embedding registered its offsets: `reclens interaction` reads the sizes from them."""
    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.embedding = OffsetsEmbedding(field_dims, embed_dim)
        self.cn = CrossNetworkV2(len(field_dims) * embed_dim)


dcn = OffsetsDCN(FIELD_DIMS, EMBED_DIM)
torch.save(dcn.state_dict(), os.path.join(OUT, 'dcn_offsets_buffer.pth'))
expected['dcn_offsets_buffer.pth'] = {'keys': {k: list(v.shape) for k, v in dcn.state_dict().items()}}

with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f, indent=1)
print(json.dumps(expected, indent=1))
