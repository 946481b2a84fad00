"""Writes test/reference/: small embedding tables with planted spectra, in every real format the
studio opens, and expected.json, their numpy float64 results (../shared/SCIENCE.md's recipe).

    python3 scripts/referenceFixtures.py    # numpy only; rewrites test/reference/ byte for byte

The layout is the one of ../shared/reference/ (same file names, same expected.json keys), so a test
reads either folder the same way. Per case and per field: rows, dim, singular_values_raw (np.linalg.svd
of the stored values as float64), recscope_spectrum (rows L2-normalised with +1e-8, s / s_1, zero-padded
to dim) and information_abundance (the sum of that spectrum). Values are computed from what the file
holds (float16 rounding, the TSV's printed digits), never from the matrix before it was written.
"""
import io
import json
import os
import struct
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'test', 'reference')
SEED = 7
DIM = 16
ROWS = 256
HEALTHY_ROWS = 1200  # over a thousand, so progress lines show a thousands separator
FIELD_DIMS = [2, 7, 24, 60, 150, 300]  # two fields with fewer rows than dims: zero-padded spectra
PROJECTOR_ROWS = 200
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed member times: the .npz is byte-reproducible

rng = np.random.default_rng(SEED)


def orthonormal(rows, cols):
    q, r = np.linalg.qr(rng.standard_normal((rows, cols)))
    return q * np.sign(np.diag(r))


def planted(rows, singular_values):
    """rows x DIM with exactly these singular values (U diag(s) V^T, random orthonormal U and V)."""
    k = len(singular_values)
    return orthonormal(rows, k) @ np.diag(singular_values) @ orthonormal(DIM, k).T


def field_table(rows, decay):
    """Gaussian rows whose column scales fall off as exp(-i / decay), rotated by a random V."""
    scales = np.exp(-np.arange(DIM) / decay)
    return (rng.standard_normal((rows, DIM)) * scales) @ orthonormal(DIM, DIM).T


def expected_field(table):
    e = np.asarray(table, dtype=np.float64)
    raw = np.linalg.svd(e, compute_uv=False)
    normalised = e / (np.linalg.norm(e, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(normalised, compute_uv=False)
    spectrum = np.zeros(e.shape[1])
    spectrum[: len(s)] = s / s[0]
    return {
        'rows': int(e.shape[0]),
        'dim': int(e.shape[1]),
        'singular_values_raw': [float(x) for x in raw],
        'recscope_spectrum': [float(x) for x in spectrum],
        'information_abundance': float(spectrum.sum()),
    }


def npy_bytes(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def npz_bytes(members):
    """np.savez's layout (stored .npy members), with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', compression=zipfile.ZIP_STORED) as z:
        for name, array in members.items():
            z.writestr(zipfile.ZipInfo(f'{name}.npy', date_time=ZIP_TIME), npy_bytes(array))
    return buffer.getvalue()


def safetensors_bytes(members):
    """The safetensors layout: u64 LE header length, JSON header padded with spaces to 8 bytes, data."""
    header, data, offset = {}, [], 0
    for name, array in members.items():
        raw = np.ascontiguousarray(array, dtype='<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(array.shape), 'data_offsets': [offset, offset + len(raw)]}
        data.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    files, cases = {}, {}

    healthy = planted(HEALTHY_ROWS, np.linspace(1, 0.5, DIM)).astype(np.float32)
    files['healthy_f32.npy'] = npy_bytes(healthy)
    cases['healthy_f32.npy'] = {'fields': {'table': expected_field(healthy)}}

    collapsed = planted(ROWS, 0.5 ** np.arange(DIM))  # s_i = 2^-i: a few directions carry the table
    for dtype, name in [(np.float32, 'collapsed_f32.npy'), (np.float64, 'collapsed_f64.npy'), (np.float16, 'collapsed_f16.npy')]:
        stored = collapsed.astype(dtype)
        files[name] = npy_bytes(stored)
        cases[name] = {'fields': {'table': expected_field(stored)}}
    # The same float32 matrix in column-major order: the same numbers, so the same expected values.
    files['collapsed_f32_fortran.npy'] = npy_bytes(np.asfortranarray(collapsed.astype(np.float32)))
    cases['collapsed_f32_fortran.npy'] = cases['collapsed_f32.npy']

    fields = {f'field_{i}': field_table(rows, decay).astype(np.float32) for i, (rows, decay) in enumerate(zip(FIELD_DIMS, [8, 6, 4, 3, 2, 1.5]))}
    per_field = {name: expected_field(table) for name, table in fields.items()}
    files['fields_concat.npy'] = npy_bytes(np.concatenate(list(fields.values())))
    cases['fields_concat.npy'] = {'field_dims': FIELD_DIMS, 'fields': per_field}
    files['fields.npz'] = npz_bytes(fields)
    cases['fields.npz'] = {'fields': per_field}
    files['fields.safetensors'] = safetensors_bytes(fields)
    cases['fields.safetensors'] = {'fields': per_field}

    projector = 0.01 * planted(PROJECTOR_ROWS, 0.5 ** np.arange(DIM)) + 1e-4 * rng.standard_normal((PROJECTOR_ROWS, DIM))
    text = ''.join('\t'.join(f'{x:.7g}' for x in row) + '\n' for row in projector)
    files['collapsed_projector.tsv'] = text.encode()
    printed = np.array([[float(x) for x in line.split('\t')] for line in text.splitlines()])
    cases['collapsed_projector.tsv'] = {'fields': {'table': expected_field(printed)}}

    for name, data in files.items():
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(data)
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump({'seed': SEED, 'generator': 'scripts/referenceFixtures.py', 'cases': cases}, f, indent=1)
        f.write('\n')
    total = sum(len(d) for d in files.values()) + os.path.getsize(os.path.join(OUT, 'expected.json'))
    print(f'wrote {len(files)} tables and expected.json to {os.path.normpath(OUT)} ({total / 1024:.0f} KiB)')


main()
