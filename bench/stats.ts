// Small helpers every bench section shares: percentiles, formatting, and the
// one-line "figure | reference | ratio" rows the sections print.

/** The p-quantile (0..1) of `xs` by nearest rank. */
export function pct(xs: readonly number[], p: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
}

export const median = (xs: readonly number[]) => pct(xs, 0.5);

export const ms = (n: number) => `${n < 10 ? n.toFixed(2) : n.toFixed(0)} ms`;

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export const perSecond = (n: number) =>
  n >= 10_000 ? `${(n / 1000).toFixed(1)} k/s` : `${n.toFixed(0)}/s`;

/** "0.83×": how the project's figure compares with the reference's (higher is better for rates). */
export const ratio = (ours: number, reference: number) => `${(ours / reference).toFixed(2)}×`;

/** Prints one row: what, the project's figure, the reference's figure, the comparison. */
export function row(what: string, ours: string, reference: string, comparison = ''): void {
  console.log(
    `${what}\n    project:   ${ours}\n    reference: ${reference}${comparison ? `\n    ${comparison}` : ''}`,
  );
}

/** Resolves after `work`, with its duration in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}
