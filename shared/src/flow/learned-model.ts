import type { FlowModel } from './flow-model';
import { LEARNED_FLOW_PARAMS } from './generated/flow-model-data';
import { createLogisticFlowModel, type LogisticParams } from './logistic-model';

/**
 * Weights of the learned model shipped in this package (trained by
 * `shared/scripts/train-flow.ts`; committed with its metrics in `shared/model/flow-model.json`).
 */
export const learnedFlowParams: LogisticParams = LEARNED_FLOW_PARAMS;

/**
 * The learned model evaluated in TypeScript (the reference of the shipped ONNX graph). Synchronous
 * and dependency-free: use it where an ONNX session is not worth its ~0.4 s start-up.
 */
export const learnedFlowModel: FlowModel = createLogisticFlowModel(learnedFlowParams, 'learned');
