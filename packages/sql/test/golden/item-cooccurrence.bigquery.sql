WITH pairs AS (
  SELECT DISTINCT `userId` AS user_id, `itemId` AS item_id
  FROM `events`
  WHERE `userId` IS NOT NULL AND `itemId` IS NOT NULL
),
item_users AS (
  SELECT item_id, COUNT(*) AS users FROM pairs GROUP BY item_id
),
together AS (
  SELECT a.item_id AS item_a, b.item_id AS item_b, COUNT(*) AS users
  FROM pairs a JOIN pairs b ON a.user_id = b.user_id AND a.item_id <> b.item_id
  GROUP BY a.item_id, b.item_id
  HAVING COUNT(*) >= 3
)
SELECT
  t.item_a AS `itemId`,
  t.item_b AS `otherItemId`,
  CAST(t.users AS INT64) AS `cooccurrences`,
  CAST(ua.users AS INT64) AS `itemUsers`,
  CAST(ub.users AS INT64) AS `otherItemUsers`,
  CAST(t.users AS FLOAT64) / SQRT(CAST(ua.users AS FLOAT64) * CAST(ub.users AS FLOAT64)) AS `cosine`
FROM together t
JOIN item_users ua ON ua.item_id = t.item_a
JOIN item_users ub ON ub.item_id = t.item_b
ORDER BY t.item_a, t.item_b
