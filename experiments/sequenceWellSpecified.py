"""A reference learner for issue 15's gap: how much of the synthetic sequences' Bayes AUC can the
rows teach a model that already has the plant's exact form (SCIENCE.md section 4,
src/data/sequence/syntheticSequences.ts, the 'retrieval' plant)?

    logit = b + item_bias[item] + 3 tanh((sum_c W[t, c] S_c + a[t] R) / 3)
    S_c = sum over the history's behaviours of category c of exp(-(p - 1) / 80)
    R   = sum over the history's behaviours of the target's own category of exp(-(p - 1) / 3)

with the decays known and W (51 x 51: which behaviour category shifts which target category, and
how much), a, b and the item biases free, fitted full batch by Adam on the fit rows with an L2
penalty lam * |W|^2 (the item biases under the generator's own prior N(0, 0.15^2)). It reads the
rows `npx tsx experiments/sequenceCeiling.ts --models none --rows-out rows.csv` writes and prints
the validation AUC per lam, beside the AUC of the generator's own W and a (no items) and the
validation Bayes AUC. The best lam and step are picked on the validation rows, so the best figure
is an optimistic reading of this learner.

    /usr/bin/python3 experiments/sequenceWellSpecified.py rows.csv [--lam 1e-4,1e-3,1e-2,3e-2,1e-1] [--steps 150]
"""
import argparse

import numpy as np
import torch

CATEGORIES = 51  # ids 1..50, 0 unused
ITEMS = 2001
ITEM_BIAS_SD = 0.15


def auc(y, s):
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    pos = y.sum()
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos))


def features(rows):
    n = len(rows)
    s = np.zeros((n, CATEGORIES), np.float32)
    r = np.zeros(n, np.float32)
    item = np.array([int(x[2]) for x in rows])
    target = np.array([int(x[3]) for x in rows])
    label = np.array([int(x[4]) for x in rows], np.float32)
    prob = np.array([float(x[5]) for x in rows])
    for i, x in enumerate(rows):
        cats = np.array(x[6].split(" "), int)
        p = len(cats) - np.arange(len(cats))
        np.add.at(s[i], cats, np.exp(-(p - 1) / 80.0))
        r[i] = np.exp(-(p[cats == target[i]] - 1) / 3.0).sum()
    return s, r, target, item, label, prob


def planted():
    """The generator's W and a (retrievalPlant: pairs among the first 24 signal categories, +-0.8; own category 0.3)."""
    w = np.zeros((CATEGORIES, CATEGORIES), np.float32)
    signal = [c for c in range(1, 25) if c % 4 != 3]
    for i in range(0, len(signal) - 1, 2):
        sign = 0.8 if (i // 2) % 2 == 0 else -0.8
        w[signal[i], signal[i + 1]] = w[signal[i + 1], signal[i]] = sign
    a = np.array([0.3 if c > 0 and c % 4 != 3 else 0.0 for c in range(CATEGORIES)], np.float32)
    return w, a


def fit(train, valid, lam, steps):
    torch.manual_seed(0)
    w = torch.zeros(CATEGORIES, CATEGORIES, requires_grad=True)
    a = torch.zeros(CATEGORIES, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    item_bias = torch.zeros(ITEMS, requires_grad=True)
    tensors = lambda f: [torch.tensor(v) for v in f[:4]]
    tr, va = tensors(train), tensors(valid)
    logit = lambda s, r, t, i: b + item_bias[i] + 3 * torch.tanh(((w[t] * s).sum(1) + a[t] * r) / 3)
    y = torch.tensor(train[4])
    opt = torch.optim.Adam([w, a, b, item_bias], lr=0.05)
    best, last = 0.0, 0.0
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(logit(*tr), y)
        loss = loss + lam * (w**2).sum() + 0.5 * (item_bias**2).sum() / (ITEM_BIAS_SD**2 * len(y))
        loss.backward()
        opt.step()
        with torch.no_grad():
            last = auc(valid[4], logit(*va).numpy())
        best = max(best, last)
    return best, last


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows")
    ap.add_argument("--lam", default="1e-4,1e-3,1e-2,3e-2,1e-1")
    ap.add_argument("--steps", type=int, default=150)
    args = ap.parse_args()
    torch.set_num_threads(1)
    rows = [line.split(",") for line in open(args.rows).read().splitlines()]
    train = features([x for x in rows if x[0] == "fit"])
    valid = features([x for x in rows if x[0] == "valid"])
    s, r, t, _, y, prob = valid
    w, a = planted()
    print(f"fit {len(train[4])} / validation {len(y)} rows; validation Bayes AUC {auc(y, np.log(prob / (1 - prob))):.4f}")
    print(f"the generator's own W and a, no items: validation AUC {auc(y, 3 * np.tanh(((w[t] * s).sum(1) + a[t] * r) / 3)):.4f}")
    for lam in [float(x) for x in args.lam.split(",")]:
        best, last = fit(train, valid, lam, args.steps)
        print(f"lam {lam:g}: validation AUC after {args.steps} steps {last:.4f}, best step {best:.4f}")


if __name__ == "__main__":
    main()
