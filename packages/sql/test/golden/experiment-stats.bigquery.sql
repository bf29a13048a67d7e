SELECT
  CAST(`variant` AS STRING) AS `variant`,
  CAST(`device` AS STRING) AS `segment`,
  COUNT(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN 1 END) AS `m0_n`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`spend` AS FLOAT64) END), 0) AS `m0_sum`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`spend` AS FLOAT64) * CAST(`spend` AS FLOAT64) END), 0) AS `m0_sum_squares`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) END), 0) AS `m0_z0_sum`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) * CAST(`pre_spend` AS FLOAT64) END), 0) AS `m0_z0_z0`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) * CAST(`pre_visits` AS FLOAT64) END), 0) AS `m0_z0_z1`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) * CAST(`spend` AS FLOAT64) END), 0) AS `m0_z0_y`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`pre_visits` AS FLOAT64) END), 0) AS `m0_z1_sum`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`pre_visits` AS FLOAT64) * CAST(`pre_visits` AS FLOAT64) END), 0) AS `m0_z1_z1`,
  COALESCE(SUM(CASE WHEN `spend` IS NOT NULL AND `pre_spend` IS NOT NULL AND `pre_visits` IS NOT NULL THEN CAST(`pre_visits` AS FLOAT64) * CAST(`spend` AS FLOAT64) END), 0) AS `m0_z1_y`,
  COUNT(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN 1 END) AS `m1_n`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`revenue` AS FLOAT64) END), 0) AS `m1_sum_x`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`sessions` AS FLOAT64) END), 0) AS `m1_sum_y`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`revenue` AS FLOAT64) * CAST(`revenue` AS FLOAT64) END), 0) AS `m1_sum_xx`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`sessions` AS FLOAT64) * CAST(`sessions` AS FLOAT64) END), 0) AS `m1_sum_yy`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`revenue` AS FLOAT64) * CAST(`sessions` AS FLOAT64) END), 0) AS `m1_sum_xy`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) END), 0) AS `m1_z0_sum`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) * CAST(`pre_spend` AS FLOAT64) END), 0) AS `m1_z0_z0`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) * CAST(`revenue` AS FLOAT64) END), 0) AS `m1_z0_x`,
  COALESCE(SUM(CASE WHEN `revenue` IS NOT NULL AND `sessions` IS NOT NULL AND `pre_spend` IS NOT NULL THEN CAST(`pre_spend` AS FLOAT64) * CAST(`sessions` AS FLOAT64) END), 0) AS `m1_z0_d`,
  COUNT(CASE WHEN `converted` IS NOT NULL THEN 1 END) AS `m2_n`,
  COUNT(CASE WHEN `converted` IS NOT NULL AND `converted` > 0 THEN 1 END) AS `m2_conversions`
FROM `analytics`.`exp_units`
WHERE `variant` IS NOT NULL AND `device` IS NOT NULL
GROUP BY `variant`, `device`
ORDER BY `variant`, `segment`
