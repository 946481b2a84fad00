"""PyTorch CPU reference for bench/trainBench.ts (the studio) and bench/trainNodeBench.ts (Node): the same DeepFM, optimiser and batch shape.

Reads a JSON config from argv[1]; prints one JSON line {"samples_per_s": ..., "threads": ...}.
The optional "threads" sets torch's intra-op threads (Debian's build starts with 1 here).
"""
import json
import sys
import time

import torch


class DeepFM(torch.nn.Module):
    def __init__(self, cardinalities, dim, mlp, dropout):
        super().__init__()
        rows = sum(cardinalities)
        self.offsets = torch.tensor([0] + list(torch.tensor(cardinalities).cumsum(0)[:-1]), dtype=torch.long)
        self.embedding = torch.nn.Embedding(rows, dim)
        torch.nn.init.xavier_uniform_(self.embedding.weight)
        self.linear = torch.nn.Embedding(rows, 1)
        torch.nn.init.zeros_(self.linear.weight)
        self.bias = torch.nn.Parameter(torch.zeros(1))
        layers, width = [], len(cardinalities) * dim
        for out in mlp:
            layers += [torch.nn.Linear(width, out), torch.nn.BatchNorm1d(out), torch.nn.ReLU(), torch.nn.Dropout(dropout)]
            width = out
        layers.append(torch.nn.Linear(width, 1))
        self.mlp = torch.nn.Sequential(*layers)

    def forward(self, x):
        x = x + self.offsets
        e = self.embedding(x)
        fm = 0.5 * (e.sum(1) ** 2 - (e ** 2).sum(1)).sum(1)
        return self.linear(x).sum((1, 2)) + self.bias + fm + self.mlp(e.flatten(1)).squeeze(1)


def main():
    cfg = json.loads(sys.argv[1])
    torch.manual_seed(0)
    if cfg.get("threads"):
        torch.set_num_threads(cfg["threads"])
    card, batch = cfg["cardinalities"], cfg["batch"]
    model = DeepFM(card, cfg["dim"], cfg["mlp"], cfg["dropout"])
    opt = torch.optim.Adam(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x = torch.stack([torch.randint(0, c, (batch,)) for c in card], 1)
    y = torch.randint(0, 2, (batch,)).float()

    def step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(cfg["warmup"]):
        step()
    start = time.perf_counter()
    for _ in range(cfg["steps"]):
        step()
    seconds = time.perf_counter() - start
    print(json.dumps({"samples_per_s": cfg["steps"] * batch / seconds, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
