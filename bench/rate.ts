/** Operations per second of `task(0..operations-1)`, run by `concurrency` workers taking the next index. */
export async function rate(
  task: (i: number) => Promise<unknown>,
  operations: number,
  concurrency = 64,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < operations) await task(next++);
    }),
  );
  return operations / ((performance.now() - started) / 1000);
}
