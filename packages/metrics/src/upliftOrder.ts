// Internal: the order in which scikit-uplift ranks people for uplift@k and
// uplift by percentile (`np.argsort(uplift, kind='mergesort')[::-1]`): by
// score, highest first, and among equal scores the later row first.

/** Row indexes sorted by score descending; ties by row index descending. */
export function descendingOrder(scores: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  // −0 and 0 are one score, as in numpy.
  order.sort((a, b) => {
    const d = ((scores[b] as number) || 0) - ((scores[a] as number) || 0);
    return d !== 0 ? d : b - a;
  });
  return order;
}
