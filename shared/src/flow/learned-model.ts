import type { FlowModel } from './flow-model';
import { createLogisticFlowModel, type LogisticParams } from './logistic-model';

/**
 * Weights of the previous learned model (logistic regression over the seven seed-derived features
 * in `FEATURE_ORDER`, trained on the single-generator synthetic set that preceded the
 * domain-randomised one). Frozen here, no longer retrained, so evaluations can compare against it.
 */
export const learnedFlowParams: LogisticParams = {
  weights: [
    0, 12.164544105529785, 3.2669641971588135, 13.427855491638184, 22.427202224731445,
    4.771205902099609, 56.208290100097656,
  ],
  bias: -86.50678253173828,
};

/**
 * The previous learned model (selectable for comparison; not the default). It leans almost
 * entirely on typing activity, so reading and debugging are never flow to it.
 */
export const learnedFlowModel: FlowModel = createLogisticFlowModel(learnedFlowParams, 'learned');
