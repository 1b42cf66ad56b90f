import { FEATURE_ORDER, type FlowFeatures } from './features';
import type { FlowModel } from './flow-model';

/** Parameters of a logistic-regression flow model (float32 values). */
export interface LogisticParams {
  /** One weight per feature, in `featureOrder`. */
  readonly weights: readonly number[];
  /** Intercept. */
  readonly bias: number;
  /** The features the weights apply to, in order; default {@link FEATURE_ORDER}. */
  readonly featureOrder?: readonly (keyof FlowFeatures)[];
}

/** The logistic function. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * The TypeScript reference of a logistic flow model: `sigmoid(w · x + b)` over the features in
 * the params' order. The ONNX graph computes exactly this formula (MatMul, Add, Sigmoid); a test
 * checks both agree to 1e-5.
 *
 * @example
 * ```ts
 * const model = createLogisticFlowModel(DEFAULT_FLOW_PARAMS, 'rhythm');
 * model.score(features); // in (0,1)
 * ```
 */
export function createLogisticFlowModel(params: LogisticParams, name = 'logistic'): FlowModel {
  const order = params.featureOrder ?? FEATURE_ORDER;
  if (params.weights.length !== order.length) {
    throw new RangeError(
      `logistic model needs ${order.length} weights (${order.join(', ')}), got ${params.weights.length}`,
    );
  }
  const w = Float64Array.from(params.weights);
  const b = params.bias;
  const k = order.length;
  return {
    name,
    score(f: FlowFeatures): number {
      let z = b;
      for (let i = 0; i < k; i++) z += w[i] * f[order[i]];
      return sigmoid(z);
    },
  };
}
