/** Element types the importer decodes, named as numpy names them. */
export type DTypeName =
  'float16' | 'bfloat16' | 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'bool';

export interface DType {
  name: DTypeName;
  itemSize: number;
  littleEndian: boolean;
}

/** The result of reading a stored type code: a decodable dtype, or a description of what it is instead. */
export type DTypeLookup = { dtype: DType } | { unsupported: string };

const ITEM_SIZE: Record<DTypeName, number> = {
  float16: 2,
  bfloat16: 2,
  float32: 4,
  float64: 8,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint8: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  bool: 1,
};

export function dtypeOf(name: DTypeName, littleEndian = true): DType {
  return { name, itemSize: ITEM_SIZE[name], littleEndian };
}

/** Types whose values do not all fit a float32 exactly are decoded to Float64Array. */
export function decodesToFloat64(name: DTypeName): boolean {
  return name === 'float64' || name === 'int32' || name === 'int64' || name === 'uint32' || name === 'uint64';
}

const NPY_KINDS: Record<string, Partial<Record<number, DTypeName>>> = {
  f: { 2: 'float16', 4: 'float32', 8: 'float64' },
  i: { 1: 'int8', 2: 'int16', 4: 'int32', 8: 'int64' },
  u: { 1: 'uint8', 2: 'uint16', 4: 'uint32', 8: 'uint64' },
  b: { 1: 'bool' },
};

const NPY_UNSUPPORTED_KINDS: Record<string, string> = {
  c: 'complex',
  O: 'Python object',
  U: 'unicode string',
  S: 'byte string',
  a: 'byte string',
  V: 'raw (void)',
  M: 'datetime',
  m: 'timedelta',
  f: 'floating-point',
};

/** Reads a numpy type string such as '<f4', '>i8' or '|u1'. */
export function parseNpyDescr(descr: string): DTypeLookup {
  const match = /^([<>|=]?)([a-zA-Z])(\d*)(\[.*\])?$/.exec(descr);
  if (!match) return { unsupported: `an unknown dtype '${descr}'` };
  const [, order, kind, sizeText] = match;
  const size = Number(sizeText);
  const name = NPY_KINDS[kind]?.[size];
  if (name && !match[4]) return { dtype: dtypeOf(name, order !== '>') };
  if (kind === 'c' && sizeText) return { unsupported: `complex${size * 8} values (dtype '${descr}')` };
  const what = NPY_UNSUPPORTED_KINDS[kind];
  return { unsupported: what ? `${what} values (dtype '${descr}')` : `values of an unknown dtype '${descr}'` };
}

const SAFETENSORS_DTYPES: Record<string, DTypeName> = {
  F16: 'float16',
  BF16: 'bfloat16',
  F32: 'float32',
  F64: 'float64',
  I8: 'int8',
  I16: 'int16',
  I32: 'int32',
  I64: 'int64',
  U8: 'uint8',
  U16: 'uint16',
  U32: 'uint32',
  U64: 'uint64',
  BOOL: 'bool',
};

/** Reads a safetensors dtype code ('F32', 'BF16', ...); safetensors is always little-endian. */
export function parseSafetensorsDType(code: string): DTypeLookup {
  // Own properties only: a dtype such as "constructor" must not find Object.prototype's members.
  const name = Object.hasOwn(SAFETENSORS_DTYPES, code) ? SAFETENSORS_DTYPES[code] : undefined;
  return name ? { dtype: dtypeOf(name) } : { unsupported: `${code} values` };
}
