"""Writes test/ctr-data/expected.json: what the CTR loaders must make of the fixture files, computed
with Python's csv module (Debian's /usr/bin/python3, no other dependency), independently of RecLens's
TypeScript. Also writes two fixtures from the real files:

  criteo_sample_noheader.csv   DeepCTR's criteo_sample.txt without its header line (header-less CSV)
  rfc4180_cases.csv            records written by csv.writer: commas, doubled quotes, line breaks
                               inside quoted fields, empty cells

    /usr/bin/python3 scripts/ctrDataReference.py

The rules mirrored here are ctrCsv.ts's and numericBuckets.ts's: label = first column named label,
clk, click or is_click (else rating >= 4); a column named id is dropped, as are other 0/1 columns
named like a label; a column is numeric when every non-empty cell is a number and one is written
with '.' or an exponent, or its name is I<n>; whole-number columns get Criteo's log-squared buckets
(v > 2 -> floor(ln(v)^2), else floor(v) - 2), others ten equal-frequency buckets; a token seen
fewer than 2 times is OOV, so a field's cardinality is 1 + its tokens seen at least twice.
"""
import csv
import json
import math
import os
import re

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'ctr-data')
LABELS = ['label', 'clk', 'click', 'is_click']
OTHER_LABEL = re.compile(r'click|clk|like|finish|follow|conv|purchase|label', re.I)
NUMBER = re.compile(r'^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$')
MIN_COUNT = 2


def read(path):
    with open(path, newline='', encoding='utf-8') as f:
        first = f.readline()
        f.seek(0)
        return [r for r in csv.reader(f, delimiter='\t' if '\t' in first else ',') if r]


def binary(cell):
    return cell.strip() in ('0', '1', '0.0', '1.0')


def is_header(cells):
    names = [c.strip() for c in cells]
    return all(names) and not any(NUMBER.match(c) for c in names) and len(set(names)) == len(names)


def rule_of(name, values):
    present = [v for v in values if v != '']
    if not present or not all(NUMBER.match(v) for v in present):
        return None
    decimal = any(re.search(r'[.eE]', v) for v in present)
    if not decimal and not re.match(r'^I\d+$', name):
        return None
    return 'deciles' if any(not float(v).is_integer() for v in present) else 'log-squared'


def log_squared(v):
    return str(math.floor(math.log(v) ** 2)) if v > 2 else str(math.floor(v) - 2)


def buckets(rule, values):
    if rule == 'log-squared':
        return ['' if v == '' else log_squared(float(v)) for v in values]
    counts = {}
    for v in values:
        if v != '':
            counts[v] = counts.get(v, 0) + 1
    total = sum(counts.values())
    token, before = {}, 0
    for v in sorted(counts, key=float):
        token[v] = 'd%d' % min(9, math.floor(10 * (before + counts[v] / 2) / total))
        before += counts[v]
    return [token.get(v, '') for v in values]


def expected(path):
    records = read(path)
    header = is_header(records[0])
    if header:
        names = [c.strip() for c in records[0]]
        data = records[1:]
        lower = [n.lower() for n in names]
        label = next((lower.index(l) for l in LABELS if l in lower), None)
        rating = label is None
        if rating:
            label = lower.index('rating')
    else:
        names = ['label'] + (['I%d' % i for i in range(1, 14)] + ['C%d' % i for i in range(1, 27)] if len(records[0]) == 40 else ['col%d' % (i + 1) for i in range(1, len(records[0]))])
        data, label, rating = records, 0, False
    columns = [c for c in range(len(names)) if c != label and names[c].lower() != 'id']
    fields, bucketed, ignored = [], [], [{'name': names[c], 'why': 'an id'} for c in range(len(names)) if c != label and names[c].lower() == 'id']
    for c in columns:
        values = [r[c] for r in data]
        if (OTHER_LABEL.search(names[c]) or names[c].lower() in LABELS) and all(binary(v) for v in values):
            ignored.append({'name': names[c], 'why': "another task's 0/1 label"})
            continue
        rule = rule_of(names[c], values)
        if rule:
            values = buckets(rule, values)
            bucketed.append({'name': names[c], 'rule': rule})
        counts = {}
        for v in values:
            counts[v] = counts.get(v, 0) + 1
        fields.append({'name': names[c], 'cardinality': 1 + sum(1 for n in counts.values() if n >= MIN_COUNT), 'distinct': len(counts)})
    labels = [(1 if float(r[label]) >= 4 else 0) if rating else int(float(r[label])) for r in data]
    return {
        'header': header,
        'rows': len(data),
        'columns': len(names),
        'label': ('rating >= 4' if rating else names[label]) if header else 'column 1',
        'positives': sum(labels),
        'fields': fields,
        'bucketed': bucketed,
        'ignored': ignored,
    }


def main():
    with open(os.path.join(HERE, 'deepctr_criteo_sample.txt'), newline='', encoding='utf-8') as f:
        lines = f.read().split('\n')
    with open(os.path.join(HERE, 'criteo_sample_noheader.csv'), 'w', newline='', encoding='utf-8') as f:
        f.write('\n'.join(lines[1:]))
    cases = [
        ['label', 'title', 'note'],
        ['1', 'Bridges of Madison County, The (1995)', 'plain'],
        ['0', 'He said "hi"', 'q'],
        ['1', 'two\nlines', 'a, b'],
        ['0', '', '"quoted"'],
        ['1', 'three\n\nlines', 'x'],
        # A last record on one line, its last column never empty: a cut inside it shows (cutShort.ts).
        ['0', 'last', 'end'],
    ]
    with open(os.path.join(HERE, 'rfc4180_cases.csv'), 'w', newline='', encoding='utf-8') as f:
        csv.writer(f, lineterminator='\r\n').writerows(cases)
    out = {}
    for name in ['deepctr_criteo_sample.txt', 'deepctr_movielens_sample.txt', 'fuxictr_tiny_csv_train_sample.csv', 'fuxictr_tiny_mtl_train.csv', 'criteo_sample_noheader.csv']:
        out[name] = expected(os.path.join(HERE, name))
    with open(os.path.join(HERE, 'rfc4180_cases.csv'), newline='', encoding='utf-8') as f:
        out['rfc4180_cases.csv'] = {'records': list(csv.reader(f))}
    with open(os.path.join(HERE, 'expected.json'), 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
