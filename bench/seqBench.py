"""PyTorch CPU reference for seqBench.ts: the same TWIN / DARE models and the same training step.

argv[1]: JSON config; argv[2]: the padded train split (int32: rows x [target item, target
category, history items (L), history categories (L)], then float32 labels), histories left-padded
with 0 so column j is target-relative position L - j. Mirrors src/models/sequence/sequenceModel.ts:
a search stage off the tape (scaled dot product over [item, category] and the position table,
top-k), target attention over the k kept behaviours, an MLP over [target, pooled, target * pooled],
sigmoid BCE, Adam. Written as a PyTorch user would: batched matmuls for the dot products (no
concatenated batch x L x 2a copy), the position term as one (L + 1)-vector indexed by position,
masked_fill, torch.topk on the batched scores. "threads" sets torch's intra-op threads (Debian's
build starts with 1 here). Prints one JSON line {"samples_per_s": [...], "search_ms": [...], "threads": n}.
"""
import json
import math
import sys
import time

import numpy as np
import torch

MASKED = -1e9


class SeqModel(torch.nn.Module):
    def __init__(self, kind, items, categories, dim, attention_dim, history, top_k, hidden):
        super().__init__()
        self.kind, self.L, self.k = kind, history, top_k
        self.a = attention_dim if kind == 'dare' else dim

        def table(rows, d):
            e = torch.nn.Embedding(rows, d)
            torch.nn.init.xavier_uniform_(e.weight)
            return e

        self.item_repr = table(items, dim)
        self.cat_repr = table(categories, dim)
        if kind == 'dare':
            self.item_attn = table(items, self.a)
            self.cat_attn = table(categories, self.a)
        else:
            self.item_attn, self.cat_attn = self.item_repr, self.cat_repr
        self.position = table(history + 1, self.a)
        layers, width = [], 6 * dim
        for w in hidden:
            layers += [torch.nn.Linear(width, w), torch.nn.ReLU()]
            width = w
        layers.append(torch.nn.Linear(width, 1))
        self.head = torch.nn.Sequential(*layers)
        self.columns = torch.arange(history, 0, -1, dtype=torch.long)  # positions L..1

    def logits(self, ti, tc, hi, hc, pos):
        content = torch.bmm(self.item_attn(hi), self.item_attn(ti).unsqueeze(2)).squeeze(2)
        content = content + torch.bmm(self.cat_attn(hc), self.cat_attn(tc).unsqueeze(2)).squeeze(2)
        by_position = self.position.weight @ self.position.weight[0]  # pos_0 . pos_p for every p
        s = content / math.sqrt(2 * self.a) + by_position[pos] / math.sqrt(self.a)
        return s.masked_fill(hi == 0, MASKED)

    def search(self, ti, tc, hi, hc):
        with torch.no_grad():
            pos = self.columns.expand(hi.shape[0], -1)
            return torch.topk(self.logits(ti, tc, hi, hc, pos), self.k, dim=1).indices

    def forward(self, ti, tc, hi, hc, picked):
        hi, hc = hi.gather(1, picked), hc.gather(1, picked)
        pos = self.L - picked
        mask = (hi != 0).float()
        w = torch.softmax(self.logits(ti, tc, hi, hc, pos), 1) * mask
        target = torch.cat([self.item_repr(ti), self.cat_repr(tc)], 1)
        v = torch.cat([self.item_repr(hi), self.cat_repr(hc)], 2)
        pooled = torch.bmm(w.unsqueeze(1), v).squeeze(1)
        return self.head(torch.cat([target, pooled, target * pooled], 1)).squeeze(1)


def main():
    cfg = json.loads(sys.argv[1])
    if cfg.get('threads'):
        torch.set_num_threads(cfg['threads'])
    rows, L = cfg['rows'], cfg['history']
    raw = np.fromfile(sys.argv[2], dtype=np.int32, count=rows * (2 + 2 * L)).reshape(rows, 2 + 2 * L)
    labels = torch.from_numpy(np.fromfile(sys.argv[2], dtype=np.float32, offset=rows * (2 + 2 * L) * 4))
    data = torch.from_numpy(raw.astype(np.int64))
    torch.manual_seed(cfg['seed'])
    model = SeqModel(cfg['kind'], cfg['items'], cfg['categories'], cfg['dim'], cfg['attention_dim'], L, cfg['top_k'], cfg['hidden'])
    opt = torch.optim.Adam(model.parameters(), lr=cfg['lr'], eps=1e-8)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    batch = cfg['batch']
    gen = torch.Generator().manual_seed(cfg['seed'])
    order = torch.randperm(rows, generator=gen)
    cursor = [0]

    def step():
        nonlocal order
        if cursor[0] + batch > rows:
            order = torch.randperm(rows, generator=gen)
            cursor[0] = 0
        idx = order[cursor[0]:cursor[0] + batch]
        cursor[0] += batch
        b = data[idx]
        ti, tc, hi, hc = b[:, 0], b[:, 1], b[:, 2:2 + L], b[:, 2 + L:]
        t0 = time.perf_counter()
        picked = model.search(ti, tc, hi, hc)
        search = (time.perf_counter() - t0) * 1000
        opt.zero_grad()
        loss = loss_fn(model(ti, tc, hi, hc, picked), labels[idx])
        loss.backward()
        opt.step()
        loss.item()
        return search

    for _ in range(cfg['warmup']):
        step()
    rates, search_ms = [], []
    for _ in range(cfg['windows']):
        t0 = time.perf_counter()
        s = [step() for _ in range(cfg['steps_per_window'])]
        rates.append(cfg['steps_per_window'] * batch / (time.perf_counter() - t0))
        search_ms.append(sum(s) / len(s))
    print(json.dumps({'samples_per_s': rates, 'search_ms': search_ms, 'threads': torch.get_num_threads()}))


if __name__ == '__main__':
    main()
