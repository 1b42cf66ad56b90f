import { FEATURE_COUNT, FEATURE_ORDER, type FlowFeatures } from './features';
import type { FlowModel } from './flow-model';

/** Parameters of the learned logistic-regression flow model (float32 values). */
export interface LogisticParams {
  /** One weight per feature, in {@link FEATURE_ORDER}. */
  readonly weights: readonly number[];
  /** Intercept. */
  readonly bias: number;
}

/** The logistic function. */
export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/**
 * The TypeScript reference of the learned model: `sigmoid(w · x + b)` over the features in
 * {@link FEATURE_ORDER}. The ONNX graph computes exactly this formula (MatMul, Add, Sigmoid);
 * a test checks both agree to 1e-5.
 *
 * @example
 * ```ts
 * const model = createLogisticFlowModel(LEARNED_FLOW_PARAMS);
 * model.score(features); // in (0,1)
 * ```
 */
export function createLogisticFlowModel(params: LogisticParams, name = 'logistic'): FlowModel {
  if (params.weights.length !== FEATURE_COUNT) {
    throw new RangeError(
      `logistic model needs ${FEATURE_COUNT} weights (${FEATURE_ORDER.join(', ')}), got ${params.weights.length}`,
    );
  }
  const w = Float64Array.from(params.weights);
  const b = params.bias;
  return {
    name,
    score(f: FlowFeatures): number {
      let z = b;
      for (let i = 0; i < FEATURE_COUNT; i++) z += w[i] * f[FEATURE_ORDER[i]];
      return sigmoid(z);
    },
  };
}
