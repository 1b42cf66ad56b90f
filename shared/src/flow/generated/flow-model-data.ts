// Placeholder; overwritten by shared/scripts/train-flow.ts.
export const LEARNED_FLOW_PARAMS = { weights: [0, 0, 0, 0, 0, 0, 0], bias: 0 } as const;
export const FLOW_MODEL_ONNX_BASE64 = '';
