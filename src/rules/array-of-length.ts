/**
 * `new Array(length)` for lengths that may be large: the number of rules or keywords of a set.
 *
 * Optimized code allocates `new Array(n)` inline only for n up to about 16,000, and is thrown away
 * (deoptimized) the first time a bigger set arrives; the loop around it then runs slowly until
 * the engine compiles it again, which for a loader's long loops took tens of milliseconds of CPU
 * on 100,000 rules. Setting `length` on an empty array makes the same holey array on every path.
 */
export function arrayOfLength<T>(length: number): T[] {
  const array: T[] = [];
  array.length = length;
  return array;
}
