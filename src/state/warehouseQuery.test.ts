import { describe, expect, it } from 'vitest';
import { warehouseSql } from '../analysis/warehouseSql.ts';
import { warehouseQuery, type WarehouseForm } from './warehouseQuery.ts';

const form: WarehouseForm = { dialect: 'duckdb', table: 'embeddings', embeddingColumn: 'emb', fieldColumn: ' field ', dimText: '64', normalised: true };

describe('warehouseQuery', () => {
  it('reads the form as a request: trimmed field column, the dim as a number', () => {
    expect(warehouseQuery(form)).toEqual({
      sql: warehouseSql({ dialect: 'duckdb', table: 'embeddings', embeddingColumn: 'emb', fieldColumn: 'field', dim: 64, normalised: true }),
      problem: null,
    });
  });

  it('a blank field column makes the whole table one field', () => {
    const q = warehouseQuery({ ...form, fieldColumn: '  ', dialect: 'trino' });
    expect(q.sql).toBe(warehouseSql({ dialect: 'trino', table: 'embeddings', embeddingColumn: 'emb', dim: 64, normalised: true }));
  });

  it('a form that cannot make SQL says why, as a sentence, and gives no SQL', () => {
    const q = warehouseQuery({ ...form, dimText: 'sixty-four' });
    expect(q.sql).toBe('');
    expect(q.problem).toMatch(/^[A-Z].*\.$/);
  });
});
