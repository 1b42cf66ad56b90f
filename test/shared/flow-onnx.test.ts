import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  createOnnxFlowModel,
  FlowDetector,
  defaultFlowModel,
  shippedFlowModelBytes,
  updateWithAsyncModel,
  type OnnxFlowModel,
} from '../../shared/src';
import { featuresArb, steadyInput, T0 } from './flow-arbitraries';

const require = createRequire(import.meta.url);
const committed = readFileSync(new URL('../../shared/model/flow-model.onnx', import.meta.url));
let onnx: OnnxFlowModel;

beforeAll(async () => {
  const wasmBinary = readFileSync(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
  onnx = await createOnnxFlowModel({ wasmBinary, modelBytes: committed });
});
afterAll(async () => onnx.release());

describe('ONNX flow model', () => {
  it('the embedded model bytes are the committed .onnx file', () => {
    expect(Buffer.from(shippedFlowModelBytes()).equals(committed)).toBe(true);
  });

  it('matches the TypeScript reference to 1e-5 in Node', async () => {
    const samples = fc.sample(featuresArb, { numRuns: 500, seed: 42 });
    const scores = await onnx.scoreBatch(samples);
    samples.forEach((f, i) =>
      expect(Math.abs(scores[i] - defaultFlowModel.score(f))).toBeLessThan(1e-5),
    );
    expect(await onnx.scoreAsync(samples[0])).toBeCloseTo(defaultFlowModel.score(samples[0]), 5);
  });

  it('drives a detector like the sync reference does', async () => {
    const a = new FlowDetector({ model: defaultFlowModel });
    const b = new FlowDetector();
    const inputs = Array.from({ length: 12 }, (_, i) => steadyInput(T0 + i * 30_000));
    const sync = inputs.map((x) => a.update(x).isInFlow);
    // Not awaited between calls on purpose: updates on one detector are serialised.
    const async = await Promise.all(inputs.map((x) => updateWithAsyncModel(b, x, onnx)));
    expect(async.map((r) => r.isInFlow)).toEqual(sync);
  });
});
