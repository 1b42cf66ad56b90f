import type { FlowInput } from '../schemas/flow-input';
import type { FlowDetector } from './flow-detector';
import type { AsyncFlowModel } from './flow-model';
import type { FlowStateResult } from './flow-result';

const queues = new WeakMap<FlowDetector, Promise<unknown>>();

/**
 * Scores `input` with an async model (the ONNX one) and advances the detector. Calls for the
 * same detector are serialised in call order, so features are always computed on the state the
 * previous update left, even if the caller does not await between calls.
 *
 * @example
 * ```ts
 * const onnx = await createOnnxFlowModel({ wasmBinary });
 * const result = await updateWithAsyncModel(detector, input, onnx);
 * ```
 */
export function updateWithAsyncModel(
  detector: FlowDetector,
  input: FlowInput,
  model: AsyncFlowModel,
): Promise<FlowStateResult> {
  const previous = queues.get(detector) ?? Promise.resolve();
  const next = previous
    .catch(() => undefined)
    .then(async () => {
      const score = await model.scoreAsync(detector.featuresFor(input));
      return detector.updateWithScore(input, score);
    });
  queues.set(detector, next);
  return next;
}
