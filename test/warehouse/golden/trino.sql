-- RecLens reclens-warehouse-gram/1 (trino): per-field Grams of shop.item_embeddings.emb, K = 3, field column field.
-- Returns long form (field, stat, i, j, value), only K x K numbers per field; save it as CSV (with its header) or JSON,
-- and open it with `reclens analyze result.csv` or the studio's Warehouse panel. See docs/warehouse.md.
WITH src AS (
  SELECT COALESCE(CAST("field" AS VARCHAR), '(null)') AS field, "emb" AS e
  FROM "shop"."item_embeddings"
),
checked AS (
  SELECT field, e, CASE
    WHEN e IS NULL OR cardinality(e) = 0 THEN 'excluded'
    WHEN cardinality(e) <> 3 THEN 'wrong_length'
    WHEN all_match(e, x -> x IS NOT NULL AND is_finite(x)) THEN 'rows'
    ELSE 'excluded'
  END AS stat
  FROM src
),
idx AS (SELECT i FROM UNNEST(sequence(1, 3)) AS t(i)),
kept AS (
  SELECT field, e, 1 / (SQRT(reduce(e, CAST(0 AS DOUBLE), (a, x) -> a + CAST(x AS DOUBLE) * CAST(x AS DOUBLE), a -> a)) + 1e-8) AS inv
  FROM checked
  WHERE stat = 'rows'
),
cells AS (
  SELECT field, e, inv, i, CAST(e[i] AS DOUBLE) AS x
  FROM kept CROSS JOIN idx
),
sums AS (
  SELECT field, i, SUM(x) AS s,
    ARRAY[SUM(x * CAST(e[1] AS DOUBLE)), SUM(x * CAST(e[2] AS DOUBLE)), SUM(x * CAST(e[3] AS DOUBLE))] AS g,
    ARRAY[SUM((x * inv) * (CAST(e[1] AS DOUBLE) * inv)), SUM((x * inv) * (CAST(e[2] AS DOUBLE) * inv)), SUM((x * inv) * (CAST(e[3] AS DOUBLE) * inv))] AS ng
  FROM cells
  GROUP BY field, i
),
result AS (
  SELECT field, stat, 0 AS i, 0 AS j, CAST(COUNT(*) AS DOUBLE) AS value FROM checked GROUP BY field, stat
  UNION ALL SELECT field, 'sum' AS stat, i, 0 AS j, s AS value FROM sums
  UNION ALL SELECT field, 'gram' AS stat, i, j, g[j] AS value FROM sums CROSS JOIN (SELECT i AS j FROM idx) AS jx WHERE j >= i
  UNION ALL SELECT field, 'ngram' AS stat, i, j, ng[j] AS value FROM sums CROSS JOIN (SELECT i AS j FROM idx) AS jx WHERE j >= i
)
SELECT field, stat, i, j, value FROM result
ORDER BY field, stat, i, j;
