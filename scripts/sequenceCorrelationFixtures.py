"""Writes test/sequence-correlation/: a small DIN-like PyTorch checkpoint (category, position and
item embeddings, target attention, MLP head) and the float64 learned-correlation matrices of
SCIENCE.md section 4 that the studio's checkpoint correlation tool should give for it.

Run with Debian's python3-torch and python3-numpy (the tests read the committed files):
    /usr/bin/python3 scripts/sequenceCorrelationFixtures.py
The model scores behaviour j of a history against the target as DARE's search stage does:
(c_t . c_j)/sqrt(d) + (p_0 . p_p)/sqrt(d) with p the target-relative position (row 0 = the
target), softmax over the history, and pools [item, category] embeddings with those weights. It
is trained 150 Adam steps on a toy rule (click when a behaviour of the target's category sits at
position 1..3) and saved with torch.save(model.state_dict()) as din.pt. expected.json holds, for
categories [1..N] and positions 1..P: the attention-only matrices (DARE calc_learned.py: softmax
over the N x P logits, min-max) and TIN's (RecScope temporal_correlation.py: z-score, softmax,
times the norm of the element-wise product, min-max), one per target category, row-major.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'sequence-correlation')
torch.manual_seed(15)
np.random.seed(15)

ITEMS, CATEGORIES, HISTORY, DIM = 60, 9, 12, 8
SHOWN, POSITIONS = [1, 2, 3, 4, 5, 6], 6


class DinLike(nn.Module):
    def __init__(self):
        super().__init__()
        self.item_embedding = nn.Embedding(ITEMS, DIM, padding_idx=0)
        self.category_embedding = nn.Embedding(CATEGORIES, DIM, padding_idx=0)
        self.position_embedding = nn.Embedding(HISTORY + 1, DIM)
        self.mlp = nn.Sequential(nn.Linear(4 * DIM, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, target_item, target_cat, hist_items, hist_cats):
        d = DIM ** 0.5
        ct = self.category_embedding(target_cat)  # B x D
        ch = self.category_embedding(hist_cats)  # B x L x D
        positions = torch.arange(HISTORY, 0, -1)  # oldest first: position L .. 1
        p0 = self.position_embedding.weight[0]
        ph = self.position_embedding(positions)  # L x D
        score = (ch @ ct.unsqueeze(2)).squeeze(2) / d + (ph @ p0) / d
        weights = torch.softmax(score, dim=1).unsqueeze(2)
        pooled = (weights * torch.cat([self.item_embedding(hist_items), ch], 2)).sum(1)
        target = torch.cat([self.item_embedding(target_item), ct], 1)
        return self.mlp(torch.cat([target, pooled], 1)).squeeze(1)


def batch(n):
    item_cat = torch.randint(1, CATEGORIES, (ITEMS,))
    hist_items = torch.randint(1, ITEMS, (n, HISTORY))
    target_item = torch.randint(1, ITEMS, (n,))
    hist_cats, target_cat = item_cat[hist_items], item_cat[target_item]
    recent = hist_cats[:, -3:] == target_cat.unsqueeze(1)
    return target_item, target_cat, hist_items, hist_cats, recent.any(1).float()


model = DinLike()
opt = torch.optim.Adam(model.parameters(), lr=2e-2)
data = batch(2048)
for step in range(150):
    loss = nn.functional.binary_cross_entropy_with_logits(model(*data[:4]), data[4])
    opt.zero_grad()
    loss.backward()
    opt.step()
print('final loss', float(loss))

os.makedirs(OUT, exist_ok=True)
torch.save(model.state_dict(), os.path.join(OUT, 'din.pt'))

c = model.category_embedding.weight.detach().double().numpy()
p = model.position_embedding.weight.detach().double().numpy()


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def min_max(x):
    return (x - x.min()) / (x.max() - x.min())


def attention(target):
    a = np.array([[c[target] @ c[i] / np.sqrt(DIM) + p[0] @ p[j] / np.sqrt(DIM) for j in range(1, POSITIONS + 1)] for i in SHOWN])
    return min_max(softmax(a))


def tin(target):
    q = c[target] + p[0]
    z = np.array([[(c[i] + p[j]) @ q for j in range(1, POSITIONS + 1)] for i in SHOWN])
    norms = np.array([[np.linalg.norm((c[i] + p[j]) * q) for j in range(1, POSITIONS + 1)] for i in SHOWN])
    z = (z - z.mean()) / z.std()
    return min_max(softmax(z) * norms)


expected = {
    'categories': SHOWN,
    'positions': POSITIONS,
    'attention': [attention(t).ravel().tolist() for t in SHOWN],
    'tin': [tin(t).ravel().tolist() for t in SHOWN],
}
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump(expected, f)
    f.write('\n')
print('wrote', OUT)
