import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './parseCliArgs.ts';

describe('parseCliArgs train', () => {
  it('--dataset with every override', () => {
    const argv = ['train', '--dataset', 'synthetic-ctr-tiny', '--model', 'dcnv2', '--epochs', '3', '--lr', '3e-3', '--batch', '512', '--dim', '16'];
    argv.push('--sets', '4', '--seed', '7', '--patience', '0', '--eval-every', '20', '--wd', '0', '--dropout', '0.1', '--mlp', '400-400', '--cross', '4');
    expect(parseCliArgs([...argv, '--backend', 'cpu', '--json'])).toEqual({
      kind: 'train',
      dataset: 'synthetic-ctr-tiny',
      model: 'dcnv2',
      overrides: {
        epochs: 3,
        lr: 3e-3,
        batch: 512,
        dim: 16,
        sets: 4,
        seed: 7,
        patience: 0,
        evalEvery: 20,
        weightDecay: 0,
        dropout: 0.1,
        mlp: [400, 400],
        cross: 4,
      },
      backend: 'cpu',
      json: true,
    });
  });

  it('a FILE, with the defaults: dnn on wasm, nothing overridden', () => {
    expect(parseCliArgs(['train', 'data/train.txt'])).toEqual({
      kind: 'train',
      file: 'data/train.txt',
      model: 'dnn',
      overrides: {},
      backend: 'wasm',
      json: false,
    });
  });

  it('--threads N sizes the wasm pool', () => {
    expect(parseCliArgs(['train', 'a.tsv', '--threads', '2'])).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(parseCliArgs(['train', 'a.tsv', '--backend', 'wasm', '--threads=8'])).toMatchObject({ backend: 'wasm', threads: 8 });
    expect(parseCliArgs(['train', 'a.tsv'])).not.toHaveProperty('threads');
  });

  it('--help after train is help', () => {
    expect(parseCliArgs(['train', '--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['train'], /needs --dataset ID or a FILE/],
    [['train', 'a.tsv', '--dataset', 'x'], /either --dataset ID or a FILE, not both/],
    [['train', 'a.tsv', 'b.tsv'], /unexpected argument "b.tsv"/],
    [['train', 'a.tsv', '--model', 'gbdt'], /--model must be one of lr, fm, dnn/],
    [['train', 'a.tsv', '--epochs', '0'], /--epochs must be a whole number >= 1, got "0"/],
    [['train', 'a.tsv', '--epochs', '2.5'], /--epochs must be a whole number/],
    [['train', 'a.tsv', '--batch', '1e3'], /--batch must be a whole number/],
    [['train', 'a.tsv', '--lr', '0'], /--lr must be a number in \(0, 1\]/],
    [['train', 'a.tsv', '--lr', 'fast'], /--lr must be/],
    [['train', 'a.tsv', '--dropout', '1'], /--dropout must be a number in \[0, 1\)/],
    [['train', 'a.tsv', '--wd=-1'], /--wd must be/],
    [['train', 'a.tsv', '--mlp', '400-x'], /--mlp must be layer widths like 400-400/],
    [['train', 'a.tsv', '--backend', 'webgl'], /--backend must be one of wasm, cpu/],
    [['train', 'a.tsv', '--threads', '0'], /--threads must be a whole number >= 1, got "0"/],
    [['train', 'a.tsv', '--threads', 'all'], /--threads must be a whole number/],
    [['train', 'a.tsv', '--threads', '9'], /--threads must be at most 8/],
    [['train', 'a.tsv', '--backend', 'cpu', '--threads', '2'], /--threads sizes the wasm backend's pool/],
    [['train', 'a.tsv', '--mode', 'raw'], /Unknown option '--mode'/],
    [['analyze', 'x.npy', '--epochs', '3'], /Unknown option '--epochs'/],
    [['--json', 'train', 'a.tsv'], /put the command first/],
  ])('usage error: %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
