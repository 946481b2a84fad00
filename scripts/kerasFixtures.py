"""Writes test/keras/, the HDF5 / Keras fixtures of src/data/formats/hdf5.test.ts and the fuzzer's seeds.

Run with Debian's python3-h5py and python3-numpy (never needed by the tests, which read the committed files):
    /usr/bin/python3 scripts/kerasFixtures.py
Debian has no Keras, so the files are written with h5py in the layouts Keras itself writes:
- legacy.h5: Keras 2 / tf.keras model.save_weights("x.h5"): root attribute layer_names, one group per layer
  with attribute weight_names, datasets <layer>/<layer>/<weight>:0; the item table gzip-chunked as h5py may write it;
- model.keras: a Keras 3 .keras zip (config.json, metadata.json, model.weights.h5 with layers/<name>/vars/<i>);
- half.h5: a float16 and an int64 dataset and a 3-D one.
expected.json holds each dataset's shape, dtype and values, and the RecScope IA (numpy float64) of the 2-D float ones.
"""
import io
import json
import os
import zipfile

import h5py
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'keras')
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(9)


def recscope_ia(table):
    e = np.asarray(table, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])


user = rng.normal(size=(40, 8)).astype(np.float32)
item = (rng.normal(size=(25, 2)) @ rng.normal(size=(2, 8)) + 0.01 * rng.normal(size=(25, 8))).astype(np.float32)
kernel = rng.normal(size=(16, 4)).astype(np.float32)
bias = rng.normal(size=(4,)).astype(np.float32)

expected = {}

with h5py.File(os.path.join(OUT, 'legacy.h5'), 'w') as f:
    f.attrs['layer_names'] = [b'user_embedding', b'item_embedding', b'dense']
    f.attrs['backend'] = b'tensorflow'
    f.attrs['keras_version'] = b'2.13.1'
    for layer, weights in [('user_embedding', {'embeddings:0': user}), ('item_embedding', {'embeddings:0': item}), ('dense', {'kernel:0': kernel, 'bias:0': bias})]:
        g = f.create_group(layer)
        g.attrs['weight_names'] = [f'{layer}/{w}'.encode() for w in weights]
        for w, v in weights.items():
            opts = {'chunks': (8, 8), 'compression': 'gzip'} if layer == 'item_embedding' else {}
            g.create_dataset(f'{layer}/{w}', data=v, **opts)
expected['legacy.h5'] = {
    'user_embedding/user_embedding/embeddings:0': user,
    'item_embedding/item_embedding/embeddings:0': item,
    'dense/dense/kernel:0': kernel,
    'dense/dense/bias:0': bias,
}

weights = io.BytesIO()
with h5py.File(weights, 'w') as f:
    for layer, vars_ in [('user_embedding', [user]), ('item_embedding', [item]), ('dense', [kernel, bias])]:
        g = f.create_group(f'layers/{layer}/vars')
        for i, v in enumerate(vars_):
            g.create_dataset(str(i), data=v)
    f.create_group('optimizer/vars')
with zipfile.ZipFile(os.path.join(OUT, 'model.keras'), 'w', compression=zipfile.ZIP_DEFLATED) as z:
    z.writestr('metadata.json', json.dumps({'keras_version': '3.3.3', 'date_saved': '2024-05-01@12:00:00'}))
    z.writestr('config.json', json.dumps({'class_name': 'Functional', 'config': {'name': 'two_tower'}}))
    z.writestr('model.weights.h5', weights.getvalue())
expected['model.keras'] = {
    'layers/user_embedding/vars/0': user,
    'layers/item_embedding/vars/0': item,
    'layers/dense/vars/0': kernel,
    'layers/dense/vars/1': bias,
}

half = rng.normal(size=(6, 3)).astype(np.float16)
ids = np.arange(-3, 9, dtype=np.int64).reshape(4, 3)
cube = rng.normal(size=(2, 3, 4))
with h5py.File(os.path.join(OUT, 'half.h5'), 'w') as f:
    f['half'] = half
    f['ids'] = ids
    f['cube'] = cube
expected['half.h5'] = {'half': half, 'ids': ids, 'cube': cube}

out = {}
for name, tensors in expected.items():
    out[name] = {}
    for k, v in tensors.items():
        entry = {'shape': list(v.shape), 'dtype': v.dtype.name, 'values': v.astype(np.float64).ravel().tolist()}
        if v.ndim == 2 and v.dtype.kind == 'f':
            entry['recscope_ia'] = recscope_ia(v)
        out[name][k] = entry
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump({'h5py': h5py.__version__, 'files': out}, f, indent=1)
print('wrote', list(expected), 'with h5py', h5py.__version__)
