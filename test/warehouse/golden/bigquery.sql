-- RecLens reclens-warehouse-gram/1 (bigquery): per-field Grams of shop.item_embeddings.emb, K = 3, field column field.
-- Returns long form (field, stat, i, j, value), only K x K numbers per field; save it as CSV (with its header) or JSON,
-- and open it with `reclens analyze result.csv` or the studio's Warehouse panel. See docs/warehouse.md.
WITH src AS (
  SELECT COALESCE(CAST(`field` AS STRING), '(null)') AS field, `emb` AS e
  FROM `shop`.`item_embeddings`
),
checked AS (
  SELECT field, e, CASE
    WHEN e IS NULL OR ARRAY_LENGTH(e) = 0 THEN 'excluded'
    WHEN ARRAY_LENGTH(e) <> 3 THEN 'wrong_length'
    WHEN (SELECT LOGICAL_AND(x IS NOT NULL AND NOT IS_NAN(x) AND NOT IS_INF(x)) FROM UNNEST(e) AS x) THEN 'rows'
    ELSE 'excluded'
  END AS stat
  FROM src
),
idx AS (SELECT i FROM UNNEST(GENERATE_ARRAY(1, 3)) AS i),
kept AS (
  SELECT field, e, 1 / (SQRT((SELECT SUM(CAST(x AS FLOAT64) * CAST(x AS FLOAT64)) FROM UNNEST(e) AS x)) + 1e-8) AS inv
  FROM checked
  WHERE stat = 'rows'
),
cells AS (
  SELECT field, e, inv, i, CAST(e[OFFSET(i - 1)] AS FLOAT64) AS x
  FROM kept CROSS JOIN idx
),
sums AS (
  SELECT field, i, SUM(x) AS s,
    [SUM(x * CAST(e[OFFSET(0)] AS FLOAT64)), SUM(x * CAST(e[OFFSET(1)] AS FLOAT64)), SUM(x * CAST(e[OFFSET(2)] AS FLOAT64))] AS g,
    [SUM((x * inv) * (CAST(e[OFFSET(0)] AS FLOAT64) * inv)), SUM((x * inv) * (CAST(e[OFFSET(1)] AS FLOAT64) * inv)), SUM((x * inv) * (CAST(e[OFFSET(2)] AS FLOAT64) * inv))] AS ng
  FROM cells
  GROUP BY field, i
),
result AS (
  SELECT field, stat, 0 AS i, 0 AS j, CAST(COUNT(*) AS FLOAT64) AS value FROM checked GROUP BY field, stat
  UNION ALL SELECT field, 'sum' AS stat, i, 0 AS j, s AS value FROM sums
  UNION ALL SELECT field, 'gram' AS stat, i, j, g[OFFSET(j - 1)] AS value FROM sums CROSS JOIN (SELECT i AS j FROM idx) AS jx WHERE j >= i
  UNION ALL SELECT field, 'ngram' AS stat, i, j, ng[OFFSET(j - 1)] AS value FROM sums CROSS JOIN (SELECT i AS j FROM idx) AS jx WHERE j >= i
)
SELECT field, stat, i, j, value FROM result
ORDER BY field, stat, i, j;
