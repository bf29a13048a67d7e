WITH lines AS (
  SELECT "customerId" AS customer_id, "orderId" AS order_id, "event_ms" AS line_ms, "amount" AS line_value
  FROM "order_lines"
  WHERE "customerId" IS NOT NULL AND "event_ms" IS NOT NULL AND "event_ms" < 1323432000000
)
SELECT
  customer_id AS "customerId",
  CAST(1323432000000 - MAX(line_ms) AS DOUBLE) / 86400000 AS "recency",
  CAST(COUNT(DISTINCT order_id) AS DOUBLE) AS "frequency",
  CAST(COALESCE(SUM(line_value), 0) AS DOUBLE) AS "monetary",
  CAST(COALESCE(SUM(line_value), 0) AS DOUBLE) / NULLIF(COUNT(DISTINCT order_id), 0) AS "meanOrderValue",
  CAST(1323432000000 - MIN(line_ms) AS DOUBLE) / 86400000 AS "tenure"
FROM lines
GROUP BY customer_id
ORDER BY customer_id
