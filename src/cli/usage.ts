export const USAGE = `Usage:
  reclens analyze FILE [options]
  reclens --help

Measures the singular spectrum and information abundance (IA) of embedding tables:
.npy, .npz, .safetensors, PyTorch checkpoints (.pt, .pth, .ckpt), Embedding Projector .tsv,
.csv, word2vec / fastText text (.txt, .vec) and binary (.bin).

Options:
  --field-dims LIST|FILE  split one concatenated table into fields of these row counts:
                          a list (2,7,24) or a JSON sidecar file
  --tensor NAME           analyse this tensor; repeat for several
                          (default: the 2-D numeric tensors named *embed*, or
                          every 2-D numeric tensor when none is)
  --metadata FILE         Embedding Projector metadata TSV (row labels) for a .tsv table
  --mode MODE             recscope (default): rows L2-normalised, no centering (RecScope)
                          raw: rows as stored
                          centered: column means subtracted, no row normalisation
  --max-dim N             analyse tables up to N columns wide (default 1024, at most
                          4096; the exact spectrum costs dim³: ~9 s at 2048 here)
  --json                  print the result as JSON (the stable schema)
  -h, --help              show this help

Exit codes: 0 done, 1 the file could not be analysed (error and fix on stderr), 2 usage error.
`;
