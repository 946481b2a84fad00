"""PyTorch CPU reference for mtlBench.ts: the same MMoE and the same per-task-gradient step.

argv[1]: JSON config; argv[2]: a file with the train split (int32 rows x fields indices, then
float32 rows x tasks labels); the optional "threads" sets torch's intra-op threads. Mirrors createMultiTaskTrainer's step: one forward pass,
then per task k one backward pass of w_k L_k over the shared parameters and task k's own ones, AdaTask or
Adam decomposed per task on the shared parameters, the plain step on the task-specific ones,
and the AU EMA of every task's update. Prints one JSON line {"steps_per_s": [...], "threads": n}.
"""
import json
import math
import sys
import time

import torch


def mlp(width, widths):
    layers = []
    for out in widths:
        layers += [torch.nn.Linear(width, out), torch.nn.ReLU()]
        width = out
    return torch.nn.Sequential(*layers), width


class Mmoe(torch.nn.Module):
    def __init__(self, cardinalities, dim, experts, expert_widths, tower_widths, tasks):
        super().__init__()
        self.offsets = torch.tensor([0] + list(torch.tensor(cardinalities).cumsum(0)[:-1]), dtype=torch.long)
        self.embedding = torch.nn.Embedding(sum(cardinalities), dim)
        torch.nn.init.xavier_uniform_(self.embedding.weight)
        in_dim = len(cardinalities) * dim
        built = [mlp(in_dim, expert_widths) for _ in range(experts)]
        self.experts = torch.nn.ModuleList([m for m, _ in built])
        hidden = built[0][1]
        self.gates = torch.nn.ModuleList([torch.nn.Linear(in_dim, experts) for _ in range(tasks)])
        towers = []
        for _ in range(tasks):
            body, width = mlp(hidden, tower_widths)
            towers.append(torch.nn.Sequential(body, torch.nn.Linear(width, 1)))
        self.towers = torch.nn.ModuleList(towers)

    def shared(self):
        return [self.embedding.weight] + [p for e in self.experts for p in e.parameters()]

    def own(self, k):
        return list(self.gates[k].parameters()) + list(self.towers[k].parameters())

    def forward(self, x):
        h = self.embedding(x + self.offsets).flatten(1)
        outs = torch.stack([e(h) for e in self.experts], 1)  # batch x E x H
        return [t((outs * torch.softmax(g(h), 1).unsqueeze(2)).sum(1)).squeeze(1) for g, t in zip(self.gates, self.towers)]


class MultiTaskOptimizer:
    """Per-task moments on shared parameters (AdaTask; Adam: shared second moment), one 'task' on the rest."""

    def __init__(self, kind, shared, specific, tasks, lr, beta1=0.9, beta2=0.999, eps=1e-7, au_beta=0.9):
        self.kind, self.shared, self.specific, self.tasks = kind, shared, specific, tasks
        self.lr, self.beta1, self.beta2, self.eps, self.au_beta = lr, beta1, beta2, eps, au_beta
        self.t = 0

        def state(p, n):
            return {"m": [torch.zeros_like(p) for _ in range(n)], "v": [torch.zeros_like(p) for _ in range(1 if kind == "adam" else n)]}

        self.shared_state = [state(p, tasks) for p in shared]
        self.specific_state = [state(p, 1) for p in specific]
        self.au = [[torch.zeros_like(p) for _ in range(tasks)] for p in shared]

    def _step(self, p, grads, s):
        c1 = 1 - self.beta1 ** self.t
        c2 = 1 - self.beta2 ** self.t
        for k, g in enumerate(grads):
            s["m"][k].mul_(self.beta1).add_(g, alpha=1 - self.beta1)
        if self.kind == "adam":
            g = grads[0] if len(grads) == 1 else torch.stack(grads).sum(0)
            s["v"][0].mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
            denominator = (s["v"][0] / c2).sqrt_().add_(self.eps)
            updates = [m * (-self.lr / c1) / denominator for m in s["m"]]
        else:
            updates = []
            for k, g in enumerate(grads):
                s["v"][k].mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
                updates.append(s["m"][k] * (-self.lr / c1) / (s["v"][k].sqrt() / math.sqrt(c2) + self.eps))
        p.add_(updates[0] if len(updates) == 1 else torch.stack(updates).sum(0))
        return updates

    @torch.no_grad()
    def apply(self, shared_grads, specific_grads):
        self.t += 1
        for i, p in enumerate(self.shared):
            for k, u in enumerate(self._step(p, [g[i] for g in shared_grads], self.shared_state[i])):
                self.au[i][k].mul_(self.au_beta).addcmul_(u, u, value=1 - self.au_beta)
        for j, p in enumerate(self.specific):
            self._step(p, [specific_grads[j]], self.specific_state[j])


def main():
    cfg = json.loads(sys.argv[1])
    if cfg.get("threads"):
        torch.set_num_threads(cfg["threads"])
    rows, fields, T, batch = cfg["rows"], len(cfg["cardinalities"]), len(cfg["loss_weights"]), cfg["batch"]
    with open(sys.argv[2], "rb") as f:
        raw = bytearray(f.read())
    indices = torch.frombuffer(raw, dtype=torch.int32, count=rows * fields).view(rows, fields).long()
    labels = torch.frombuffer(raw, dtype=torch.float32, count=rows * T, offset=rows * fields * 4).view(rows, T)
    torch.manual_seed(cfg["seed"])
    model = Mmoe(cfg["cardinalities"], cfg["dim"], cfg["experts"], cfg["expert_widths"], cfg["tower_widths"], T)
    shared = model.shared()
    own = [model.own(k) for k in range(T)]
    opt = MultiTaskOptimizer(cfg["optimizer"], shared, [p for o in own for p in o], T, cfg["lr"])
    loss_fn = torch.nn.BCEWithLogitsLoss()
    order, cursor = torch.randperm(rows), 0

    def step():
        nonlocal order, cursor
        if cursor + batch > rows:
            order, cursor = torch.randperm(rows), 0
        take = order[cursor:cursor + batch]
        cursor += batch
        x, y = indices[take], labels[take]
        shared_grads, specific_grads = [], []
        logits = model(x)
        for k in range(T):
            # One forward pass, one backward per task (as taskGradients for MMoE): the graph is kept until the last.
            loss = loss_fn(logits[k], y[:, k]) * cfg["loss_weights"][k]
            grads = torch.autograd.grad(loss, shared + own[k], retain_graph=k < T - 1)
            shared_grads.append(list(grads[:len(shared)]))
            specific_grads += list(grads[len(shared):])
        opt.apply(shared_grads, specific_grads)

    for _ in range(cfg["warmup"]):
        step()
    rates = []
    for _ in range(cfg["windows"]):
        start = time.perf_counter()
        for _ in range(cfg["steps_per_window"]):
            step()
        rates.append(cfg["steps_per_window"] / (time.perf_counter() - start))
    print(json.dumps({"steps_per_s": rates, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
