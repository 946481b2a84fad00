export const USAGE = `Usage:
  reclens analyze FILE... [options]
  reclens gram FILE... [--field-dims LIST|FILE [--first-row N]] [--tensor NAME] [--out PART.json]
  reclens merge PART.json... [--mode MODE] [--max-dim N] [--json] [--out MERGED.json]
  reclens interaction FILE [--field-dims LIST|FILE] [--tensor NAME] [--weight NAME] [--json]
  reclens dataset FILE [--json]
  reclens correlation FILE [--top N] [--positions P] [--split all|train] [--json]
  reclens sql --dialect D --table T --embedding-column E [--field-column F] --dim K [--normalised]
  reclens train (--dataset ID | FILE) [options]
  reclens --help

reclens analyze: measures the singular spectrum and information abundance (IA) of embedding tables:
.npy, .npz, .safetensors, PyTorch checkpoints (.pt, .pth, .ckpt; before 1.6 too), ONNX
initializers (.onnx), Keras / HDF5 weights (.h5, .hdf5, .keras), Parquet embedding columns
(.parquet), TensorFlow checkpoints (model.ckpt.index; its .data-* shards are read from the same
folder), Embedding Projector .tsv, .csv, word2vec / fastText text (.txt, .vec) and binary (.bin),
and partial Grams (.json, from reclens gram). Several FILEs are the row ranges (shards) of one
table, one .npy or state dict each, read in the order of the numbers in their names.

Options:
  --field-dims LIST|FILE  split one concatenated table into fields of these row counts:
                          a list (2,7,24), a JSON list, FuxiCTR's feature_map.json or a
                          training log that prints the list (numpy's "[ 1460  583 ...]");
                          with several tensors of one shape (a multi-embedding model's
                          sets), every set is split alike: sets x fields
  --tensor NAME           analyse this tensor; repeat for several
                          (default: the embedding tables, read from names and shapes:
                          MLP, cross, attention weights and optimizer moments are not;
                          without field sizes, a note says when the model's cross or
                          first MLP layer shows the table concatenates fields)
  --metadata FILE         Embedding Projector metadata TSV (row labels) for a .tsv table
  --mode MODE             recscope (default): rows L2-normalised, no centering (RecScope)
                          raw: rows as stored
                          centered: column means subtracted, no row normalisation
  --max-dim N             analyse tables up to N columns wide (default 1024, at most
                          4096; the exact spectrum costs dim³: ~9 s at 2048 here)
  --json                  print the result as JSON (the stable schema)
  -h, --help              show this help

reclens analyze also reads the result of \`reclens sql\` (CSV with its header, or JSON): the fields'
Grams as the warehouse summed them, analysed as the table itself would be (docs/warehouse.md).

reclens sql: prints the SQL that computes each field's Gram inside a warehouse, so only K x K
numbers per field come back: row count, column sums, sum of e_i e_j in DOUBLE, long form
(field, stat, i, j, value). Run it there, save the result as CSV or JSON, then reclens analyze it.
  --dialect D             duckdb, spark, bigquery or trino (array indexing differs)
  --table T               the table, optionally qualified (db.table, project.dataset.table)
  --embedding-column E    an array of K numbers per row
  --field-column F        its values name the fields (default: the whole table is one field)
  --dim K                 the length of every array (rows of another length are counted and refused)
  --normalised            also the Gram of the rows normalised e/(||e||+1e-8): the RecScope recipe

reclens gram: sums what the spectrum needs where the rows are (one shard, one host): per field,
the float64 Gram with its column sums, RecScope's row-normalised Gram, and the row and excluded
(NaN/Inf) row counts, as versioned JSON (docs/partial-gram.md). Only K x K numbers per field.
FILE... and --field-dims, --tensor, --max-dim as for analyze.
  --first-row N           with --field-dims: the FILEs hold the table's rows from row N on (one
                          host's shard of a concatenated table); fields it holds none of stay empty
  --out FILE              write the partial Gram here (default: stdout)

reclens merge: adds the partial Grams of one table's shards and prints the report reclens analyze
prints for the whole table (the same JSON with --json). Parts of another table (other tensors,
fields, K) or the same shard twice are refused.
  --mode MODE, --max-dim N, --json  as for analyze
  --out FILE              write the merged partial Gram instead of the report (merge again later)

reclens interaction: the DCNv2 interaction-collapse matrix of a checkpoint (RecScope): IA of
field i as seen by field j, the rows of E_i W0[j-block, i-block]^T, with W0 the first cross layer.
  --field-dims LIST|FILE  the table's field sizes (required: checkpoints do not store them)
  --tensor NAME           the embedding table (default: the file's one embedding table)
  --weight NAME           the first cross layer, F*K x F*K (default: the one that goes with
                          the table: cn.W.0, or cns.<m>.0.W.0 for set m of a multi-embedding)
  --json                  {"fields": [names], "matrix": [[IA of field i seen by field j]],
                          "raw_ia": [IA of each field], "field_dims", "tensor", "weight", "source"}

reclens dataset: what the Train tab would load from FILE (Criteo TSV, a CSV with a header naming its
label: label, clk, click or is_click, Avazu, MovieLens, .rlctr): its format, rows, tasks and fields.
Text form also says how it was read: header or not, the label, bucketed numeric columns.
  --json                  {"format": str, "rows": int, "tasks": [str],
                           "fields": [{"name": str, "cardinality": int}]}

reclens correlation: the ground-truth feature correlation of behaviour sequences (RecScope RQ1,
DARE calc_gt.py): for each of the N most frequent target categories, the mutual information in bits
between "behaviour category c at target-relative position p" (p = 1: the most recent) and the label,
c over the same N categories. FILE: the sequence-sample CSV (label,user,target_item,target_category,
hist_items,hist_categories; histories space-separated, oldest first), Taobao UserBehavior.csv (made
into samples by DARE's protocol) or a CTR CSV with a ^-separated click_sequence column; .gz too.
  --top N                 N target categories (default 10)
  --positions P           positions 1..P (default 10)
  --split all|train       every sample (default), or the training split alone: the users the
                          Sequences tab trains on, so its heatmaps and this report agree
  --json                  {"source": str, "categories": [N str], "positions": [1..P], "targets":
                           [{"category": str, "positives": int, "negatives": int,
                           "mutual_information": [[N x P bits]]}]}, targets in categories' order

reclens train: trains a click model with the studio's trainer (tfjs in Node) on a built-in
dataset (an id of public/datasets/index.json, e.g. synthetic-ctr-tiny) or a FILE the Train tab
reads (Criteo TSV, Avazu CSV, MovieLens ratings.csv or u.data, .rlctr), split 80/10/10 (seed 1).
Defaults are the Train tab's for that dataset and model; each option overrides one.

Options:
  --dataset ID            a built-in CTR dataset (instead of FILE)
  --model KIND            lr, fm, dnn (default), deepfm, dcnv2, ipnn, xdeepfm, finalmlp
  --epochs N              at most N passes over the train split (early stopping may end sooner)
  --lr X                  Adam learning rate
  --batch N               rows per step
  --dim N                 embedding width K
  --sets M                embedding sets: 1 = single, M > 1 = multi-embedding
  --seed N                seeds the weights and the shuffling (default 1)
  --patience N            validations without a better valid AUC before stopping (0 = never)
  --eval-every N          validate every N steps (0 = every epoch)
  --wd X                  weight decay (coupled L2, as torch Adam)
  --dropout X             MLP dropout
  --mlp W1-W2             hidden widths, e.g. 400-400
  --cross N               DCNv2 cross layers
  --backend NAME          wasm (default) or cpu
  --threads N             wasm's thread pool, 1 to 8 (default: every core, at most 8)
  --json                  print one JSON object: dataset, model, backend, threads (wasm's
                          pool; null on cpu), epochs (completed),
                          steps, seconds, samples_per_s, stopped ("epochs" | "early-stop"),
                          valid_auc (best), test_auc and test_logloss (at the best validation),
                          bayes_auc (synthetic data; else null), fields [{name, information_abundance}]
  Progress goes to stderr. Ctrl-C stops the run at its next chunk (exit 130, no result).

Exit codes: 0 done, 1 the file could not be read or trained on (error and fix on stderr),
2 usage error, 130 interrupted.
`;
