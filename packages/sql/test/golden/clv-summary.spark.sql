WITH lines AS (
  SELECT `CustomerID` AS customer_id, CAST(FLOOR(UNIX_MILLIS(CAST(`timestamp` AS TIMESTAMP)) / 86400000.0) AS BIGINT) AS purchase_day, `amount` AS line_value
  FROM `shop`.`order_lines`
  WHERE `CustomerID` IS NOT NULL AND `timestamp` IS NOT NULL AND UNIX_MILLIS(CAST(`timestamp` AS TIMESTAMP)) < 1323388800000
),
purchase_days AS (
  SELECT customer_id, purchase_day, SUM(line_value) AS day_value,
    MIN(CASE WHEN purchase_day <= 15125 THEN purchase_day END) OVER (PARTITION BY customer_id) AS first_day
  FROM lines
  GROUP BY customer_id, purchase_day
),
customers AS (
  SELECT customer_id, MIN(first_day) AS first_day,
    MAX(CASE WHEN purchase_day <= 15125 THEN purchase_day END) AS last_day,
    COUNT(CASE WHEN purchase_day <= 15125 THEN 1 END) AS calibration_days,
    SUM(CASE WHEN purchase_day <= 15125 AND purchase_day > first_day THEN day_value END) AS repeat_value,
    COUNT(CASE WHEN purchase_day > 15125 THEN 1 END) AS holdout_days,
    SUM(CASE WHEN purchase_day > 15125 THEN day_value END) AS holdout_value
  FROM purchase_days
  GROUP BY customer_id
)
SELECT
  customer_id AS `customerId`,
  CAST(calibration_days - 1 AS BIGINT) AS `frequency`,
  CAST(last_day - first_day AS DOUBLE) / 7 AS `recency`,
  CAST(15125 - first_day AS DOUBLE) / 7 AS `T`,
  CASE WHEN calibration_days > 1 THEN CAST(repeat_value AS DOUBLE) / (calibration_days - 1) ELSE CAST(0 AS DOUBLE) END AS `monetaryValue`,
  CAST(first_day * 86400000 AS BIGINT) AS `firstPurchase`,
  CAST(holdout_days AS BIGINT) AS `frequencyHoldout`,
  CASE WHEN holdout_days > 0 THEN CAST(holdout_value AS DOUBLE) / holdout_days ELSE CAST(0 AS DOUBLE) END AS `monetaryValueHoldout`
FROM customers
WHERE calibration_days > 0
ORDER BY customer_id
