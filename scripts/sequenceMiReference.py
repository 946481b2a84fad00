"""Float64 reference of the ground-truth correlation (SCIENCE.md section 4; DARE calc_gt.py).

Reads the sequence-sample CSV fixtures with Python's csv module and computes, with numpy float64,
for the N most frequent target categories (ties: first seen as a target in file order) and
positions 1..P, MI in bits between "history has behaviour category c_i at position p" and the
label among samples of target category c_t: counts x_p, x_n of 0 replaced by 1e-5, a term whose
leading count is 0 taken as 0, a target category without positives or negatives giving 0.
Histories are cut to their most recent 200 behaviours first (what the studio keeps).
Writes test/sequence-data/mi_reference.json in `reclens correlation --json`'s shape.
    /usr/bin/python3 scripts/sequenceMiReference.py
"""
import csv
import json
import os
from collections import OrderedDict

import numpy as np

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'sequence-data')
MAX_HISTORY = 200
CASES = [
    ('synthetic_small.csv', 10, 10),
    ('synthetic_small.csv', 5, 20),
    ('edge_cases.csv', 4, 4),
    ('edge_cases.csv', 2, 3),
]


def read(path):
    rows = []
    with open(path, newline='') as f:
        reader = csv.reader(f)
        header = [h.strip().lower() for h in next(reader)]
        col = {name: header.index(name) for name in header}
        for cells in reader:
            if not cells:
                continue
            cats = cells[col['hist_categories']].split()
            rows.append((int(float(cells[col['label']])), cells[col['target_category']].strip(), cats[-MAX_HISTORY:]))
    return rows


def term(lead, num, den, s):
    if lead == 0:
        return np.float64(0.0)
    return np.float64(lead) / s * np.log2(np.float64(num) / np.float64(den))


def mutual_information(xp, xn, tp, tn):
    if tp == 0 or tn == 0:
        return 0.0
    xp = np.float64(1e-5) if xp == 0 else np.float64(xp)
    xn = np.float64(1e-5) if xn == 0 else np.float64(xn)
    tp = np.float64(tp)
    tn = np.float64(tn)
    s = tp + tn
    return float(term(xp, xp * s, (xp + xn) * tp, s) + term(xn, xn * s, (xp + xn) * tn, s)
                 + term(tp - xp, (tp - xp) * s, (s - xp - xn) * tp, s) + term(tn - xn, (tn - xn) * s, (s - xp - xn) * tn, s))


def correlation(rows, top, positions, source):
    targets = OrderedDict()  # first seen order
    cells = {}
    for label, ct, hist in rows:
        t = targets.setdefault(ct, [0, 0])
        y = 0 if label == 1 else 1
        t[y] += 1
        L = len(hist)
        for j, ci in enumerate(hist):
            p = L - j
            if p > positions:
                continue
            c = cells.setdefault((ct, ci, p), [0, 0])
            c[y] += 1
    order = list(targets.keys())
    ranked = sorted(order, key=lambda c: (-(targets[c][0] + targets[c][1]), order.index(c)))[:top]
    out = []
    for ct in ranked:
        tp, tn = targets[ct]
        mat = np.zeros((len(ranked), positions), dtype=np.float64)
        for i, ci in enumerate(ranked):
            for p in range(1, positions + 1):
                xp, xn = cells.get((ct, ci, p), [0, 0])
                mat[i, p - 1] = mutual_information(xp, xn, tp, tn)
        out.append({'category': ct, 'positives': tp, 'negatives': tn, 'mutual_information': mat.tolist()})
    return {'source': source, 'categories': ranked, 'positions': list(range(1, positions + 1)), 'targets': out}


def main():
    cases = []
    for name, top, positions in CASES:
        rows = read(os.path.join(HERE, name))
        cases.append({'file': name, 'top': top, 'positions': positions, 'expected': correlation(rows, top, positions, name)})
    with open(os.path.join(HERE, 'mi_reference.json'), 'w') as f:
        json.dump({'numpy': np.__version__, 'cases': cases}, f, indent=1)
        f.write('\n')
    print('wrote mi_reference.json:', ', '.join(f"{c['file']} N={c['top']} P={c['positions']}" for c in cases))


if __name__ == '__main__':
    main()
