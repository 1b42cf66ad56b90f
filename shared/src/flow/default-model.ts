import type { FlowModel } from './flow-model';
import { DEFAULT_FLOW_PARAMS } from './generated/flow-model-data';
import { createLogisticFlowModel, type LogisticParams } from './logistic-model';

/**
 * Weights, intercept and feature order of the default flow model, trained by
 * `shared/scripts/train-flow.ts` on the domain-randomised synthetic generator families (committed
 * with its metrics in `shared/model/flow-model.json`; `shared/model/flow-model.onnx` is the same
 * model as an ONNX graph).
 */
export const defaultFlowParams: LogisticParams = DEFAULT_FLOW_PARAMS;

/**
 * The default flow model: a calibrated logistic regression over the rhythm features (judged
 * against the person's own pace, learned within the session and from history) and the context
 * features (switches, window focus, errors, error-then-fix, edits). Its score is a probability
 * of flow on the training distribution. Synchronous, dependency-free TypeScript: the reference
 * the ONNX graph is checked against.
 */
export const defaultFlowModel: FlowModel = createLogisticFlowModel(defaultFlowParams, 'rhythm');
