"""Writes test/interaction/: DCNv2 checkpoints in thuml/Multi-Embedding's key layout, and the
numpy float64 interaction-collapse matrices they should give (SCIENCE.md section 1).

Run with Debian's python3-torch and python3-numpy (the tests read the committed files):
    /usr/bin/python3 scripts/interactionFixtures.py
The model classes are Multi-Embedding's own (torchfm/layer.py FeaturesEmbedding,
torchfm/model/dcnv2.py CrossNetworkV2 and CrossNetworkV2Model, copied verbatim less the
docstrings), so the state-dict keys are theirs: embedding.embedding.weight, cn.W.<l>, cn.b.<l>,
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


class FeaturesEmbedding(torch.nn.Module):
    def __init__(self, field_dims, embed_dim):
        super().__init__()
        self.embedding = torch.nn.Embedding(sum(field_dims), embed_dim)
        self.offsets = np.array((0, *np.cumsum(field_dims)[:-1]), dtype=np.int32)
        torch.nn.init.xavier_uniform_(self.embedding.weight.data)

    def forward(self, x):
        x = x + x.new_tensor(self.offsets).unsqueeze(0)
        return self.embedding(x)


class MultiLayerPerceptron(torch.nn.Module):
    def __init__(self, input_dim, embed_dims, dropout, output_layer=True):
        super().__init__()
        layers = list()
        for embed_dim in embed_dims:
            layers.append(torch.nn.Linear(input_dim, embed_dim))
            layers.append(torch.nn.BatchNorm1d(embed_dim))
            layers.append(torch.nn.ReLU())
            layers.append(torch.nn.Dropout(p=dropout))
            input_dim = embed_dim
        if output_layer:
            layers.append(torch.nn.Linear(input_dim, 1))
        self.mlp = torch.nn.Sequential(*layers)

    def forward(self, x):
        return self.mlp(x)


class CrossNetworkV2(torch.nn.Module):
    def __init__(self, input_dim, num_layers, num_fields, embed_dim):
        super().__init__()
        self.num_layers = num_layers
        self.num_fields = num_fields
        self.embed_dim = embed_dim
        self.input_dim = input_dim
        self.W = torch.nn.ParameterList([torch.nn.Parameter(torch.Tensor(input_dim, input_dim)) for _ in range(num_layers)])
        self.b = torch.nn.ParameterList([torch.nn.Parameter(torch.zeros(input_dim, )) for _ in range(num_layers)])
        for i in range(num_layers):
            torch.nn.init.xavier_uniform_(self.W[i])

    def forward(self, x):
        x0 = x
        for i in range(self.num_layers):
            x = x.unsqueeze(2)
            xw = torch.matmul(self.W[i], x)
            xw = xw.squeeze(2)
            x = x.squeeze(2)
            x = x0 * (xw + self.b[i]) + x
        return x


class CrossNetworkV2Model(torch.nn.Module):
    def __init__(self, field_dims, embed_dim, num_layers, mlp_dims, dropout):
        super().__init__()
        self.num_fields = len(field_dims)
        self.embed_dim = embed_dim
        self.embedding = FeaturesEmbedding(field_dims, embed_dim)
        self.embed_output_dim = len(field_dims) * embed_dim
        self.cn = CrossNetworkV2(self.embed_output_dim, num_layers, self.num_fields, embed_dim)
        self.mlp = MultiLayerPerceptron(self.embed_output_dim, mlp_dims, dropout, output_layer=False)
        self.linear = torch.nn.Linear(mlp_dims[-1], 1)

    def forward(self, x):
        embed_x = self.embedding(x).view(-1, self.embed_output_dim)
        x_l1 = self.cn(embed_x)
        h_l2 = self.mlp(x_l1)
        p = self.linear(h_l2)
        return torch.sigmoid(p.squeeze(1))


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
