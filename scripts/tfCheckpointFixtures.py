"""TensorFlow checkpoint fixtures for src/data/formats/tfCheckpoint.test.ts.

real.ckpt.*: a checkpoint tf.train.Saver wrote (MattChubb/tensorflow-houseprices @ 860ba35f,
model.ckpt.index + model.ckpt.data-00000-of-00001), copied as is.
written.ckpt.*: written here byte for byte as TensorFlow's tensor_bundle / lib/io/table_builder
write (no TensorFlow in Debian): a LevelDB table, restart interval 16, no compression, masked
CRC32C block trailers, a 48-byte footer; "" -> BundleHeaderProto, names -> BundleEntryProto;
two data shards, each tensor's bytes little-endian at offset/size.
expected.json: each tensor's dtype and shape and, for the 2-D ones, values and recscope IA, read with this
script's own table parser and numpy.frombuffer (independent of the TypeScript reader).
Run: /usr/bin/python3 scripts/tfCheckpointFixtures.py  (numpy: apt-get install python3-numpy)
"""
import json
import os
import shutil
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', 'test', 'tfcheckpoint')
MAGIC = 0xDB4775248B80FB57
DT = {1: np.float32, 2: np.float64, 3: np.int32, 9: np.int64, 19: np.float16, 14: 'bfloat16', 7: 'string'}


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + 0xA282EAD8) & 0xFFFFFFFF


def uvarint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = uvarint(num * 8 + wire)
    if wire == 0:
        return key + uvarint(payload)
    if wire == 5:
        return key + struct.pack('<I', payload)
    return key + uvarint(len(payload)) + payload


def entry_proto(dtype, shape, shard, offset, size, crc):
    dims = b''.join(field(2, 2, field(1, 0, d)) for d in shape)
    out = field(1, 0, dtype) + field(2, 2, dims)
    if shard:
        out += field(3, 0, shard)
    if offset:
        out += field(4, 0, offset)
    if size:
        out += field(5, 0, size)
    return out + field(6, 5, crc)


def block(entries, restart_interval=16):
    out = bytearray()
    restarts = [0] if not entries else []
    last = b''
    for i, (k, v) in enumerate(entries):
        shared = 0
        if i % restart_interval == 0:
            restarts.append(len(out))
        else:
            while shared < min(len(last), len(k)) and last[shared] == k[shared]:
                shared += 1
        out += uvarint(shared) + uvarint(len(k) - shared) + uvarint(len(v)) + k[shared:] + v
        last = k
    for r in restarts:
        out += struct.pack('<I', r)
    out += struct.pack('<I', len(restarts))
    return bytes(out)


def write_table(path, entries, per_block=3):
    """Data blocks of per_block entries (small, so the index block has several handles)."""
    out = bytearray()

    def put(contents):
        handle = (len(out), len(contents))
        trailer = b'\x00'
        out.extend(contents + trailer + struct.pack('<I', masked(crc32c(contents + trailer))))
        return handle

    index = []
    for i in range(0, len(entries), per_block):
        chunk = entries[i : i + per_block]
        off, size = put(block(chunk))
        index.append((chunk[-1][0], uvarint(off) + uvarint(size)))
    meta = put(block([]))  # the empty metaindex block: one restart point at 0
    idx = put(block(index, restart_interval=1))
    handles = uvarint(meta[0]) + uvarint(meta[1]) + uvarint(idx[0]) + uvarint(idx[1])
    out += handles + b'\x00' * (40 - len(handles)) + struct.pack('<Q', MAGIC)
    with open(path, 'wb') as f:
        f.write(out)


def read_table(path):
    data = open(path, 'rb').read()
    assert struct.unpack('<Q', data[-8:])[0] == MAGIC

    def rv(buf, p):
        n = s = 0
        while True:
            b = buf[p]
            p += 1
            n |= (b & 0x7F) << s
            s += 7
            if b < 128:
                return n, p

    def entries(off, size):
        blk = data[off : off + size]
        assert data[off + size] == 0
        nr = struct.unpack('<I', blk[-4:])[0]
        end = len(blk) - 4 - 4 * nr
        p, key = 0, b''
        while p < end:
            sh, p = rv(blk, p)
            un, p = rv(blk, p)
            vl, p = rv(blk, p)
            key = key[:sh] + blk[p : p + un]
            yield key, blk[p + un : p + un + vl]
            p += un + vl

    foot = data[-48:]
    _, p = rv(foot, 0)
    _, p = rv(foot, p)
    io, p2 = rv(foot, p)
    isz, _ = rv(foot, p2)
    for _, h in entries(io, isz):
        o, q = rv(h, 0)
        s, _ = rv(h, q)
        yield from entries(o, s)


def parse_proto(buf):
    fields, p = [], 0

    def rv(p):
        n = s = 0
        while True:
            b = buf[p]
            p += 1
            n |= (b & 0x7F) << s
            s += 7
            if b < 128:
                return n, p

    while p < len(buf):
        key, p = rv(p)
        num, wire = key >> 3, key & 7
        if wire == 0:
            v, p = rv(p)
        elif wire == 5:
            v, p = struct.unpack('<I', buf[p : p + 4])[0], p + 4
        elif wire == 2:
            n, p = rv(p)
            v, p = buf[p : p + n], p + n
        fields.append((num, v))
    return fields


def expected_for(prefix):
    header = None
    tensors = {}
    for k, v in read_table(prefix + '.index'):
        if k == b'':
            header = dict(parse_proto(v))
            continue
        f = parse_proto(v)
        d = dict(f)
        shape = [dict(parse_proto(dim)).get(1, 0) for n, dim in parse_proto(d[2]) if n == 2]
        kind = DT[d[1]]
        t = {'dtype_code': d[1], 'shape': shape}
        if len(shape) == 2 and not isinstance(kind, str):
            nshards = header.get(1, 1)
            name = '%s.data-%05d-of-%05d' % (prefix, d.get(3, 0), nshards)
            raw = open(name, 'rb').read()[d.get(4, 0) : d.get(4, 0) + d.get(5, 0)]
            values = np.frombuffer(raw, dtype=np.dtype(kind).newbyteorder('<')).astype(np.float64)
            t['values'] = values.tolist()
            t['recscope_ia'] = recscope_ia(values.reshape(shape))
        tensors[k.decode()] = t
    return {'shards': header.get(1, 1), 'tensors': tensors}


def recscope_ia(table):
    """SCIENCE.md's recipe: rows L2-normalised e / (||e|| + 1e-8), no centering; IA = sum s_i / max s_i."""
    x = table / (np.linalg.norm(table, axis=1, keepdims=True) + 1e-8)
    s = np.linalg.svd(x, compute_uv=False)
    return float(s.sum() / s.max())


def write_written():
    rng = np.random.default_rng(16)
    user = rng.normal(size=(40, 8)).astype(np.float32)
    # A collapsed table: rank 2 inside 8 dims.
    item = (rng.normal(size=(30, 2)) @ rng.normal(size=(2, 8))).astype(np.float32)
    tensors = {
        'model/user_embedding/.ATTRIBUTES/VARIABLE_VALUE': (1, user, 0),
        'model/item_embedding/.ATTRIBUTES/VARIABLE_VALUE': (1, item, 1),
        'model/tower/kernel/.ATTRIBUTES/VARIABLE_VALUE': (2, rng.normal(size=(8, 3)), 1),
        'model/tower/half/.ATTRIBUTES/VARIABLE_VALUE': (19, rng.normal(size=(5, 4)).astype(np.float16), 0),
        'model/tower/bias/.ATTRIBUTES/VARIABLE_VALUE': (1, rng.normal(size=(3,)).astype(np.float32), 0),
        'save_counter/.ATTRIBUTES/VARIABLE_VALUE': (9, np.array(7, dtype=np.int64), 0),
        '_CHECKPOINTABLE_OBJECT_GRAPH': (7, None, 0),
    }
    shards = [bytearray(), bytearray()]
    entries = [(b'', field(1, 0, 2) + field(3, 2, field(1, 0, 1987)))]
    for name in sorted(tensors):
        dtype, arr, shard = tensors[name]
        if arr is None:  # a DT_STRING scalar: varint lengths, a checksum, then the bytes
            payload = uvarint(4) + struct.pack('<I', masked(crc32c(uvarint(4)))) + b'\x0a\x02\x08\x01'
            shape = []
        else:
            payload = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder('<')).tobytes()
            shape = list(arr.shape)
        off = len(shards[shard])
        shards[shard] += payload
        entries.append((name.encode(), entry_proto(dtype, shape, shard, off, len(payload), masked(crc32c(payload)))))
    prefix = os.path.join(OUT, 'written.ckpt')
    write_table(prefix + '.index', entries)
    for i, s in enumerate(shards):
        with open('%s.data-%05d-of-%05d' % (prefix, i, 2), 'wb') as f:
            f.write(s)


if __name__ == '__main__':
    os.makedirs(OUT, exist_ok=True)
    write_written()
    out = {}
    for prefix in ['real.ckpt', 'written.ckpt']:
        out[prefix] = expected_for(os.path.join(OUT, prefix))
    with open(os.path.join(OUT, 'expected.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
        f.write('\n')
