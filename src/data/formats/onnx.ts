/**
 * ONNX models (.onnx): the graph's initializers (ModelProto.graph = 7, GraphProto.initializer = 5,
 * TensorProto), read by a small own wire-level reader (protobufWire.ts) rather than protobufjs
 * and the 2 MB onnx.proto schema: only five TensorProto fields matter, and a streaming walk
 * locates a 2-D table's raw bytes without reading a multi-GB model into memory.
 * raw_data, float_data and double_data (little-endian, as protobuf packs them) are read straight
 * from the file; int32_data (int8..float16) and int64_data (varints) are decoded in memory.
 * A tensor in external data (a separate file) is listed with why it cannot be read.
 */
import type { ByteSource } from '../byteSource.ts';
import { ImportError } from '../importError.ts';
import type { ReadOptions, RowBlock, RowLayout, TableFile } from '../tableFile.ts';
import { eventLoopPacer, throwIfAborted } from '../abort.ts';
import { decodeElements } from './decode.ts';
import { dtypeOf, type DTypeLookup, type DTypeName } from './dtype.ts';
import { halfTable } from './float16.ts';
import { packedVarints, WireCursor } from './protobufWire.ts';
import { blockRowCount, readRowBlocks } from './rowBlocks.ts';
import { tableFromTensors } from './tableFromTensors.ts';
import { classifyTensor, elementCount, pyShape, storedByteLength, unreadableTensor, type Tensor } from './tensor.ts';

const FIX = 'Export the model again with torch.onnx.export or onnx.save_model, or save the embedding tables as .npy or .safetensors';

/** TensorProto.DataType codes RecLens decodes. */
const ONNX_DTYPES: Record<number, DTypeName> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};
const ONNX_OTHER: Record<number, string> = { 8: 'strings', 14: 'complex64 values', 15: 'complex128 values' };

/** Initializers listed from one model; each becomes a row of the import dialog. */
export const MAX_INITIALIZERS = 100_000;
/** Dimensions of one tensor: ONNX models use at most a handful. */
const MAX_DIMS = 32;
/** Bytes of a varint-packed field (int32_data, int64_data) decoded in memory. */
export const MAX_VARINT_FIELD_BYTES = 16 * 2 ** 20;
const MAX_NAME_CHARS = 1000;

const TENSOR_FIELD = {
  dims: 1,
  dataType: 2,
  floatData: 4,
  int32Data: 5,
  stringData: 6,
  int64Data: 7,
  name: 8,
  rawData: 9,
  doubleData: 10,
  uint64Data: 11,
  dataLocation: 14,
};

interface Span {
  offset: number;
  length: number;
}

interface InitializerProto {
  name: string;
  dims: number[];
  dataType: number;
  external: boolean;
  raw?: Span;
  floatData?: Span;
  doubleData?: Span;
  varintData?: Span;
  strings: boolean;
  at: number;
}

const corrupt = (name: string) => (what: string) => new ImportError('bad-header', `${name} is not a valid ONNX model: ${what}`, FIX);

/** True for a file named .onnx; ONNX has no magic number, so its extension names it. */
export const isOnnxName = (name: string) => /\.onnx$/i.test(name);

export async function openOnnx(src: ByteSource, labels?: string[], signal?: AbortSignal): Promise<TableFile> {
  const problem = corrupt(src.name);
  const cursor = new WireCursor(src, problem);
  const pace = eventLoopPacer(signal);
  let steps = 0;
  const protos: InitializerProto[] = [];
  let graphs = 0;
  for await (const top of cursor.fields(0, src.size)) {
    const turn = pace(++steps);
    if (turn) await turn;
    if (top.field !== 7) continue;
    if (top.wire !== 2) throw problem(`its graph (field 7) is not a message`);
    graphs++;
    for await (const g of cursor.fields(top.offset, top.offset + top.length)) {
      const turn = pace(++steps);
      if (turn) await turn;
      if (g.field !== 5) continue;
      if (g.wire !== 2) throw problem(`an initializer at byte ${g.offset} is not a message`);
      if (protos.length >= MAX_INITIALIZERS) {
        throw new ImportError('too-large', `${src.name} has more than ${MAX_INITIALIZERS} initializers, more than RecLens lists`, FIX);
      }
      protos.push(await readTensorProto(cursor, g.offset, g.length, problem));
    }
  }
  if (graphs === 0) throw problem('it has no graph (ModelProto field 7)');
  if (protos.length === 0) throw new ImportError('empty', `${src.name} has no initializers (weights) in its graph`, FIX);
  throwIfAborted(signal);
  return tableFromTensors('onnx', src, await Promise.all(protos.map((p) => initializerTensor(cursor, p))), labels);
}

async function readTensorProto(cursor: WireCursor, begin: number, length: number, problem: (what: string) => ImportError): Promise<InitializerProto> {
  const proto: InitializerProto = { name: '', dims: [], dataType: 0, external: false, strings: false, at: begin };
  for await (const f of cursor.fields(begin, begin + length)) {
    const span = { offset: f.offset, length: f.length };
    switch (f.field) {
      case TENSOR_FIELD.dims:
        if (f.wire === 0) proto.dims.push(f.value);
        else if (f.wire === 2) {
          if (f.length > MAX_DIMS * 10) throw problem(`the tensor at byte ${begin} has more than ${MAX_DIMS} dimensions`);
          proto.dims.push(...packedVarints(await cursor.bytesAt(f.offset, f.length), problem, f.offset));
        }
        if (proto.dims.length > MAX_DIMS) throw problem(`the tensor at byte ${begin} has more than ${MAX_DIMS} dimensions`);
        break;
      case TENSOR_FIELD.dataType:
        proto.dataType = f.value;
        break;
      case TENSOR_FIELD.name:
        if (f.wire !== 2) throw problem(`a tensor name at byte ${f.offset} is not a string`);
        proto.name = new TextDecoder().decode(await cursor.bytesAt(f.offset, Math.min(f.length, MAX_NAME_CHARS)));
        break;
      case TENSOR_FIELD.rawData:
        proto.raw = span;
        break;
      case TENSOR_FIELD.floatData:
        proto.floatData = f.wire === 2 ? span : undefined;
        break;
      case TENSOR_FIELD.doubleData:
        proto.doubleData = f.wire === 2 ? span : undefined;
        break;
      case TENSOR_FIELD.int32Data:
      case TENSOR_FIELD.int64Data:
      case TENSOR_FIELD.uint64Data:
        // One packed field per tensor (what every writer does); unpacked repeats are not read.
        if (f.wire === 2) proto.varintData = span;
        break;
      case TENSOR_FIELD.stringData:
        proto.strings = true;
        break;
      case TENSOR_FIELD.dataLocation:
        proto.external = f.value === 1;
        break;
    }
  }
  if (proto.dims.some((d) => d < 0)) throw problem(`tensor ${proto.name} has a negative dimension ${pyShape(proto.dims)}`);
  return proto;
}

function lookupDtype(code: number): DTypeLookup {
  const name = Object.hasOwn(ONNX_DTYPES, code) ? ONNX_DTYPES[code] : undefined;
  if (name) return { dtype: dtypeOf(name) };
  return { unsupported: Object.hasOwn(ONNX_OTHER, code) ? ONNX_OTHER[code] : `values of ONNX data type ${code}` };
}

async function initializerTensor(cursor: WireCursor, proto: InitializerProto): Promise<Tensor> {
  const src = cursor.src;
  const name = proto.name || `initializer@${proto.at}`;
  const where = `initializer ${name} in ${src.name}`;
  const lookup = lookupDtype(proto.dataType);
  const tensor = classifyTensor(name, proto.dims, lookup, where);
  if ('problem' in tensor) return unreadableTensor(tensor.info, tensor.problem);
  const { rows, dim, dtype } = tensor;
  const unreadable = (reason: string, code: 'truncated' | 'unsupported-format' | 'bad-header' = 'unsupported-format') =>
    unreadableTensor({ ...tensor.info, analysable: false, reason }, new ImportError(code, `${where} ${reason}`, FIX));
  if (proto.external) return unreadable('is kept in an external data file, which RecLens does not open: save the model with its weights inside');
  const count = elementCount(proto.dims);
  const fixedSpan = proto.raw ?? (dtype.name === 'float32' ? proto.floatData : dtype.name === 'float64' ? proto.doubleData : undefined);
  if (fixedSpan) {
    const needed = storedByteLength(proto.dims, dtype.itemSize, where);
    if (fixedSpan.length !== needed) {
      return unreadable(`holds ${fixedSpan.length} bytes of data but shape ${pyShape(proto.dims)} of ${dtype.name} needs ${needed}`, 'bad-header');
    }
    const layout: RowLayout = { rows, dim, dtype, fortran: false, dataOffset: fixedSpan.offset };
    const rowBytes = dim * dtype.itemSize;
    return { info: tensor.info, read: (opts) => readRowBlocks(src, layout, opts, (done) => fixedSpan.offset + done * rowBytes), layout };
  }
  const packed = proto.varintData;
  if (!packed) return unreadable(count === 0 ? 'has no values' : 'has no values in the fields its data type uses', 'bad-header');
  if (packed.length > MAX_VARINT_FIELD_BYTES) {
    return unreadable(
      `stores its values as ${packed.length} bytes of varints, over RecLens's limit of ${MAX_VARINT_FIELD_BYTES} for that encoding: export with raw_data`,
    );
  }
  const problem = corrupt(src.name);
  const values = packedVarints(await cursor.bytesAt(packed.offset, packed.length), problem, packed.offset);
  if (values.length !== count) return unreadable(`holds ${values.length} values but shape ${pyShape(proto.dims)} needs ${count}`, 'bad-header');
  const decoded = decodeVarintValues(values, dtype.name);
  return { info: tensor.info, read: (opts) => memoryRowBlocks(decoded, rows, dim, packed.offset, packed.length, opts) };
}

/** int32_data holds float16/bfloat16 as their bit patterns and small integers as themselves. */
function decodeVarintValues(values: number[], dtype: DTypeName): Float32Array | Float64Array {
  if (dtype === 'float16') {
    const table = halfTable();
    return Float32Array.from(values, (v) => table[v & 0xffff]);
  }
  if (dtype === 'bfloat16') return decodeElements(new Uint8Array(Uint16Array.from(values).buffer), dtypeOf('bfloat16'), values.length);
  return Float64Array.from(values);
}

async function* memoryRowBlocks(
  data: Float32Array | Float64Array,
  rows: number,
  dim: number,
  offset: number,
  bytes: number,
  opts: ReadOptions,
): AsyncGenerator<RowBlock> {
  const step = blockRowCount(opts.chunkRows, dim);
  for (let startRow = 0; startRow < rows; startRow += step) {
    throwIfAborted(opts.signal);
    const n = Math.min(step, rows - startRow);
    yield {
      data: data.subarray(startRow * dim, (startRow + n) * dim),
      rows: n,
      dim,
      startRow,
      bytesDone: offset + Math.round((bytes * (startRow + n)) / rows),
    };
  }
}
