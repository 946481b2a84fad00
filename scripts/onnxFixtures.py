"""Writes test/onnx/, the ONNX fixtures of src/data/formats/onnx.test.ts and the fuzzer's seeds.

Run with Debian's python3-torch and python3-onnx (never needed by the tests, which read the committed files):
    /usr/bin/python3 scripts/onnxFixtures.py
- exported.onnx: torch.onnx.export of a two-tower model (initializers as raw_data, as exporters write them);
- typed.onnx: onnx.helper tensors in the typed fields (float_data, double_data, int32_data for float16,
  int64_data), a raw float16 table, a 1-D bias and a tensor kept in external data.
expected.json holds every initializer's shape, dtype and values, and the RecScope IA (numpy float64) of the 2-D float ones.
"""
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'onnx')
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(5)
rng = np.random.default_rng(5)


def recscope_ia(table):
    e = np.asarray(table, dtype=np.float64)
    e = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(e, compute_uv=False)
    return float(s.sum() / s[0])


class Tower(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.user_embedding = torch.nn.Embedding(50, 8)
        self.item_embedding = torch.nn.Embedding(30, 8)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(16, 4), torch.nn.ReLU(), torch.nn.Linear(4, 1))
        with torch.no_grad():  # a collapsed item table: rank 2 plus a little noise
            self.item_embedding.weight.copy_(torch.randn(30, 2) @ torch.randn(2, 8) + 0.01 * torch.randn(30, 8))

    def forward(self, u, i):
        return self.mlp(torch.cat([self.user_embedding(u), self.item_embedding(i)], 1))


torch.onnx.export(Tower(), (torch.tensor([1, 2]), torch.tensor([3, 4])), os.path.join(OUT, 'exported.onnx'), input_names=['u', 'i'], output_names=['y'])

table64 = rng.normal(size=(12, 5))
table32 = rng.normal(size=(9, 4)).astype(np.float32)
half = rng.normal(size=(6, 3)).astype(np.float16)
ids = np.arange(-4, 8, dtype=np.int64).reshape(4, 3)
bias = rng.normal(size=(7,)).astype(np.float32)
raw_half = rng.normal(size=(5, 2)).astype(np.float16)
outside = rng.normal(size=(4, 4)).astype(np.float32)
inits = [
    helper.make_tensor('table_float_data', TensorProto.FLOAT, table32.shape, table32.ravel().tolist()),
    helper.make_tensor('table_double_data', TensorProto.DOUBLE, table64.shape, table64.ravel().tolist()),
    helper.make_tensor('half_int32_data', TensorProto.FLOAT16, half.shape, half.ravel().tolist()),
    helper.make_tensor('ids_int64_data', TensorProto.INT64, ids.shape, ids.ravel().tolist()),
    helper.make_tensor('bias', TensorProto.FLOAT, bias.shape, bias.tolist()),
    numpy_helper.from_array(raw_half, 'half_raw'),
    numpy_helper.from_array(outside, 'outside'),
]
graph = helper.make_graph([helper.make_node('Identity', ['bias'], ['out'])], 'typed', [], [helper.make_tensor_value_info('out', TensorProto.FLOAT, [7])], inits)
model = helper.make_model(graph, producer_name='reclens-fixtures')
onnx.save_model(model, os.path.join(OUT, 'typed.onnx'), save_as_external_data=True, all_tensors_to_one_file=True, location='typed.onnx.data', size_threshold=60)
os.remove(os.path.join(OUT, 'typed.onnx.data'))  # its tensors are named in the model; RecLens lists them as kept elsewhere

expected = {}
for name in ['exported.onnx', 'typed.onnx']:
    m = onnx.load(os.path.join(OUT, name), load_external_data=False)
    out = {}
    for t in m.graph.initializer:
        external = t.data_location == TensorProto.EXTERNAL
        entry = {'shape': list(t.dims), 'dtype': onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[t.data_type].name, 'external': external}
        if not external:
            a = numpy_helper.to_array(t)
            entry['values'] = a.astype(np.float64).ravel().tolist()
            if a.ndim == 2 and a.dtype.kind == 'f':
                entry['recscope_ia'] = recscope_ia(a)
        out[t.name] = entry
    expected[name] = out
with open(os.path.join(OUT, 'expected.json'), 'w') as f:
    json.dump({'onnx': onnx.__version__, 'torch': torch.__version__, 'files': expected}, f, indent=1)
print({k: list(v) for k, v in expected.items()})
