import onnxProto from 'onnx-proto';
import { FEATURE_ORDER } from '../../src/flow/features';
import type { LogisticParams } from '../../src/flow/logistic-model';

const { onnx } = onnxProto;

/**
 * Builds the ONNX graph of the logistic flow model: `score = Sigmoid(MatMul(features, W) + B)`,
 * input `features` float32 [N, K] (K features in the params' order), output `score` float32
 * [N, 1]. Opset 13, IR 8.
 */
export function buildLogisticOnnx(params: LogisticParams, docString: string): Uint8Array {
  const order = params.featureOrder ?? FEATURE_ORDER;
  const FEATURE_COUNT = order.length;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const dims = (last: number) => ({ dim: [{ dimParam: 'N' }, { dimValue: last }] });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'mindful-code/shared/scripts/train-flow.ts',
    producerVersion: '1',
    docString,
    opsetImport: [{ domain: '', version: 13 }],
    metadataProps: [{ key: 'feature_order', value: order.join(',') }],
    graph: {
      name: 'flow_logistic',
      node: [
        { opType: 'MatMul', input: ['features', 'W'], output: ['logit0'], name: 'matmul' },
        { opType: 'Add', input: ['logit0', 'B'], output: ['logit'], name: 'add_bias' },
        { opType: 'Sigmoid', input: ['logit'], output: ['score'], name: 'sigmoid' },
      ],
      initializer: [
        { name: 'W', dataType: FLOAT, dims: [FEATURE_COUNT, 1], floatData: [...params.weights] },
        { name: 'B', dataType: FLOAT, dims: [1], floatData: [params.bias] },
      ],
      input: [
        { name: 'features', type: { tensorType: { elemType: FLOAT, shape: dims(FEATURE_COUNT) } } },
      ],
      output: [{ name: 'score', type: { tensorType: { elemType: FLOAT, shape: dims(1) } } }],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
