SELECT `userId` AS `userId`, `itemId` AS `itemId`, CAST(SUM(`qty`) AS DOUBLE) AS `weight`
FROM `events`
WHERE `userId` IS NOT NULL AND `itemId` IS NOT NULL AND `qty` > 0 AND `timestamp` IS NOT NULL AND UNIX_MILLIS(CAST(`timestamp` AS TIMESTAMP)) < 1717200000000
GROUP BY `userId`, `itemId`
ORDER BY `userId`, `itemId`
