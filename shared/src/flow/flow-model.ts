import type { FlowFeatures } from './features';

/**
 * A flow model maps one update's features to a flow score in [0,1]. Scoring is synchronous
 * because it runs on every update and must be cheap; models that need async set-up (ONNX) are
 * created asynchronously and then either score synchronously or, for onnxruntime's async
 * `run`, through {@link AsyncFlowModel}.
 */
export interface FlowModel {
  /** Stable name, reported in evaluations and benchmarks. */
  readonly name: string;
  /** Flow score in [0,1]; must be monotone where the features say so. */
  score(features: FlowFeatures): number;
}

/**
 * A model whose inference is asynchronous (onnxruntime-web's `InferenceSession.run`). Feed its
 * score to {@link FlowDetector.updateWithScore}, or use `updateWithAsyncModel`.
 */
export interface AsyncFlowModel {
  /** Stable name. */
  readonly name: string;
  /** Flow score in [0,1]. */
  scoreAsync(features: FlowFeatures): Promise<number>;
}
