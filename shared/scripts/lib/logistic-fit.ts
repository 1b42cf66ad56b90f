/** Result of fitting a logistic regression. */
export interface LogisticFit {
  weights: number[];
  bias: number;
  iterations: number;
  logLoss: number;
}

function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Newton/IRLS fit over the given columns with L2 penalty `lambda` on the weights (not bias). */
function irls(x: number[][], y: number[], cols: number[], lambda: number, maxIter: number) {
  const k = cols.length + 1;
  let theta = new Array<number>(k).fill(0);
  let iter = 0;
  for (; iter < maxIter; iter++) {
    const h = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const g = new Array<number>(k).fill(0);
    for (let i = 0; i < x.length; i++) {
      const row = [...cols.map((c) => x[i][c]), 1];
      let z = 0;
      for (let j = 0; j < k; j++) z += theta[j] * row[j];
      const p = sigmoid(z);
      const w = Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < k; a++) {
        g[a] += (p - y[i]) * row[a];
        for (let b = 0; b < k; b++) h[a][b] += w * row[a] * row[b];
      }
    }
    for (let a = 0; a < k - 1; a++) {
      g[a] += lambda * theta[a];
      h[a][a] += lambda;
    }
    const step = solve(h, g);
    theta = theta.map((t, j) => t - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  return { theta, iter: iter + 1 };
}

/**
 * Logistic regression with non-negative weights (every feature is "higher = more flow-like", so
 * a negative weight would break monotonicity: more errors must never raise the score). Active
 * set: fit, drop features whose weight came out negative (weight 0), refit, until none is.
 * Deterministic: Newton's method from zero, no randomness.
 */
export function fitNonNegativeLogistic(x: number[][], y: number[], lambda = 1e-3): LogisticFit {
  const d = x[0].length;
  let cols = Array.from({ length: d }, (_, i) => i);
  let fit = irls(x, y, cols, lambda, 50);
  for (;;) {
    const negative = cols.filter((_, j) => fit.theta[j] < 0);
    if (negative.length === 0) break;
    cols = cols.filter((c) => !negative.includes(c));
    fit = irls(x, y, cols, lambda, 50);
  }
  const weights = new Array<number>(d).fill(0);
  cols.forEach((c, j) => (weights[c] = fit.theta[j]));
  const bias = fit.theta[cols.length];
  let loss = 0;
  for (let i = 0; i < x.length; i++) {
    let z = bias;
    for (let j = 0; j < d; j++) z += weights[j] * x[i][j];
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(z)));
    loss -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  return { weights, bias, iterations: fit.iter, logLoss: loss / x.length };
}

/**
 * Plain L2-regularised logistic regression (weights may take either sign), Newton's method from
 * zero: deterministic. Rows may be weighted (`w`, default 1) to balance classes or families.
 */
export function fitLogistic(x: number[][], y: number[], lambda = 1e-2, w?: number[]): LogisticFit {
  const d = x[0].length;
  const k = d + 1;
  let theta = new Array<number>(k).fill(0);
  let iter = 0;
  for (; iter < 60; iter++) {
    const h = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const g = new Array<number>(k).fill(0);
    const row = new Array<number>(k);
    for (let i = 0; i < x.length; i++) {
      for (let j = 0; j < d; j++) row[j] = x[i][j];
      row[d] = 1;
      let z = 0;
      for (let j = 0; j < k; j++) z += theta[j] * row[j];
      const p = sigmoid(z);
      const wi = w ? w[i] : 1;
      const curv = wi * Math.max(p * (1 - p), 1e-9);
      for (let a = 0; a < k; a++) {
        g[a] += wi * (p - y[i]) * row[a];
        for (let b = a; b < k; b++) h[a][b] += curv * row[a] * row[b];
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) h[a][b] = h[b][a];
    const n = w ? w.reduce((s, v) => s + v, 0) : x.length;
    for (let a = 0; a < d; a++) {
      g[a] += lambda * n * theta[a];
      h[a][a] += lambda * n;
    }
    const step = solve(h, g);
    theta = theta.map((t, j) => t - step[j]);
    if (Math.max(...step.map(Math.abs)) < 1e-9) break;
  }
  const weights = theta.slice(0, d);
  const bias = theta[d];
  let loss = 0;
  for (let i = 0; i < x.length; i++) {
    let z = bias;
    for (let j = 0; j < d; j++) z += weights[j] * x[i][j];
    const p = Math.min(1 - 1e-12, Math.max(1e-12, sigmoid(z)));
    loss -= y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p);
  }
  return { weights, bias, iterations: iter + 1, logLoss: loss / x.length };
}
