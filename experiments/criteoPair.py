"""The official Multi-Embedding PyTorch side of experiments/criteoPair.ts.

Trains thuml/Multi-Embedding's DCNv2 (main.py's get_model 'dcn-10' family: CrossNetworkV2Model)
with its own train() and test() loops and its EarlyStopper, on a Criteo TSV. Only the data
loading is adapted: CriteoDataset's preprocessing (log^2 integer buckets, values seen fewer than
10 times -> one 'rare' index) is redone in memory instead of an lmdb cache, and the split is the
studio's (row ids from criteoPair.ts) instead of torch's random_split. DataLoader workers: 0
(a 2-core machine). train() and test() are read from main.py's source (main.py does not import
as published); sklearn's roc_auc_score, which test() calls, is replaced by a rank AUC (average
ranks for ties) when sklearn is absent.

argv[1]: JSON {official, data, split, epochs, dim, cross, mlp, dropout, lr, batch, wd, seed, threads}
(threads: torch intra-op threads; Debian's build starts with 1).
Prints progress, then one JSON line {valid_auc, test_auc, test_logloss, seconds, field_dims}.
"""
import ast
import json
import math
import os
import sys
import tempfile
import time
import types
from collections import defaultdict

import numpy as np
import torch


def rank_auc(targets, scores):
    y = np.asarray(targets, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    sorted_s = s[order]
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    pos = y.sum()
    neg = len(y) - pos
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * neg)


def official_loops(official_dir):
    """main.py's own train() and test(), taken from its source: main.py itself does not import as
    published (torchfm/model/fwfm.py imports a FeaturesEmbeddingMultiDevice that layer.py lacks)."""
    import utils

    try:
        from sklearn.metrics import roc_auc_score
    except ImportError:
        roc_auc_score = rank_auc
    tree = ast.parse(open(os.path.join(official_dir, "main.py")).read())
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in ("train", "test")]
    namespace = {"torch": torch, "time": time, "roc_auc_score": roc_auc_score, "AverageMeter": utils.AverageMeter, "ProgressMeter": utils.ProgressMeter}
    exec(compile(ast.Module(body=functions, type_ignores=[]), "main.py", "exec"), namespace)
    return types.SimpleNamespace(train=namespace["train"], test=namespace["test"])


def convert_numeric_feature(val):
    """torchfm/dataset/criteo.py's bucketing, verbatim."""
    if val == "":
        return "NULL"
    v = int(val)
    if v > 2:
        return str(int(math.log(v) ** 2))
    else:
        return str(v - 2)


NUM_FEATS, NUM_INT_FEATS, MIN_THRESHOLD = 39, 13, 10


def read_criteo(path):
    """CriteoDataset.__get_feat_mapper and __yield_buffer, into one int array (label first)."""
    rows = []
    with open(path) as f:
        for line in f:
            values = line.rstrip("\n").split("\t")
            if len(values) != NUM_FEATS + 1:
                continue
            rows.append(values)
    feat_cnts = defaultdict(lambda: defaultdict(int))
    for values in rows:
        for i in range(1, NUM_INT_FEATS + 1):
            feat_cnts[i][convert_numeric_feature(values[i])] += 1
        for i in range(NUM_INT_FEATS + 1, NUM_FEATS + 1):
            feat_cnts[i][values[i]] += 1
    feat_mapper = {i: {feat for feat, c in cnt.items() if c >= MIN_THRESHOLD} for i, cnt in feat_cnts.items()}
    feat_mapper = {i: {feat: idx for idx, feat in enumerate(cnt)} for i, cnt in feat_mapper.items()}
    defaults = {i: len(cnt) for i, cnt in feat_mapper.items()}
    field_dims = np.zeros(NUM_FEATS, dtype=np.uint32)
    for i, fm in feat_mapper.items():
        field_dims[i - 1] = len(fm) + 1
    out = np.zeros((len(rows), NUM_FEATS + 1), dtype=np.int64)
    for r, values in enumerate(rows):
        out[r, 0] = int(values[0])
        for i in range(1, NUM_INT_FEATS + 1):
            out[r, i] = feat_mapper[i].get(convert_numeric_feature(values[i]), defaults[i])
        for i in range(NUM_INT_FEATS + 1, NUM_FEATS + 1):
            out[r, i] = feat_mapper[i].get(values[i], defaults[i])
    return out, field_dims


def main():
    cfg = json.loads(sys.argv[1])
    sys.path.insert(0, cfg["official"])
    official = official_loops(cfg["official"])
    from torchfm.model.dcnv2 import CrossNetworkV2Model
    from utils import EarlyStopper

    torch.manual_seed(cfg["seed"])
    if cfg.get("threads"):
        torch.set_num_threads(cfg["threads"])
    t0 = time.time()
    table, field_dims = read_criteo(cfg["data"])
    split = json.load(open(cfg["split"]))
    print(f"read {len(table)} rows in {time.time() - t0:.1f} s; field_dims {field_dims.tolist()}", file=sys.stderr)
    fields = torch.from_numpy(table[:, 1:])
    labels = torch.from_numpy(table[:, 0])

    def subset(ids, permute=False):
        ids = torch.tensor(ids, dtype=torch.long)
        if permute:  # random_split hands the train rows over in a random order; DataLoader keeps it
            ids = ids[torch.randperm(len(ids), generator=torch.Generator().manual_seed(cfg["seed"]))]
        return torch.utils.data.TensorDataset(fields[ids], labels[ids])

    loader = lambda ds: torch.utils.data.DataLoader(ds, batch_size=cfg["batch"], num_workers=0)
    train_loader = loader(subset(split["train"], permute=True))
    valid_loader = loader(subset(split["valid"]))
    test_loader = loader(subset(split["test"]))

    device = torch.device("cpu")
    model = CrossNetworkV2Model(field_dims, embed_dim=cfg["dim"], num_layers=cfg["cross"], mlp_dims=tuple(cfg["mlp"]), dropout=cfg["dropout"]).to(device)
    criterion = torch.nn.BCELoss()
    optimizer = torch.optim.Adam(params=model.parameters(), lr=cfg["lr"], weight_decay=cfg["wd"])
    workdir = tempfile.mkdtemp(prefix="criteo-pair-")
    save_paths = [os.path.join(workdir, "best.pth"), os.path.join(workdir, "optimizer.pth")]
    early_stopper = EarlyStopper(num_trials=cfg["epochs"], save_paths=save_paths)
    t1 = time.time()
    for epoch_i in range(cfg["epochs"]):
        official.train(model, optimizer, train_loader, criterion, device, epoch_i)
        auc = official.test(model, valid_loader, device)
        print(f"epoch: {epoch_i} validation: auc: {auc:.4f} [{time.time() - t1:.0f} s]", file=sys.stderr)
        if not early_stopper.is_continuable((model, optimizer), auc):
            break
    model.load_state_dict(torch.load(save_paths[0]))
    test_auc = official.test(model, test_loader, device)
    # Test logloss, beside main.py's AUC (it reports none).
    model.eval()
    with torch.no_grad():
        p = torch.cat([model(x) for x, _ in test_loader]).clamp(1e-7, 1 - 1e-7)
        y = torch.cat([t for _, t in test_loader]).float()
        logloss = float(-(y * p.log() + (1 - y) * (1 - p).log()).mean())
    print(json.dumps({"valid_auc": float(early_stopper.best_accuracy), "test_auc": float(test_auc), "test_logloss": logloss, "seconds": round(time.time() - t1, 1), "torch_threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
