// Internal: an Apache Arrow vector (one column) where a metric takes a
// vector of numbers, outcomes or labels, read through core's one Arrow reader:
// Arrow's typed array when the column has no nulls (a view, not a copy),
// else a plain array with `null` at the nulls, which the metric's own checks
// then refuse with their typed error naming the field and row. A column
// whose type does not fit (text or dates as numbers, dates or nested values
// as labels) is `E_ARROW_TYPE` naming the field. Labels may be text
// (dictionary-encoded or not), numbers or Bool (read as 1 / 0). Anything
// that is not an Arrow vector is returned as it is.
import type { ArrowLikeVector } from '@marksman/core';
import { arrowVectorValues, isArrowVector } from '@marksman/core/internal';
import type { ArrowVectorKind } from '@marksman/core/internal';

/** `x` itself, or the values of the Arrow vector `x` (`kind` 'number': numeric columns; 'binary': numeric or Bool; 'label': text, numeric or Bool as 1 / 0). */
export function vectorArg<T>(source: string, field: string, x: ArrayLike<T> | ArrowLikeVector, kind: ArrowVectorKind): ArrayLike<T> {
  return isArrowVector(x) ? (arrowVectorValues(source, field, x, kind) as ArrayLike<T>) : x;
}
