import type { InferenceSession } from 'onnxruntime-web/wasm';
import { defaultFlowParams } from './default-model';
import { FEATURE_ORDER, type FlowFeatures } from './features';
import type { AsyncFlowModel } from './flow-model';
import { FLOW_MODEL_ONNX_BASE64 } from './generated/flow-model-data';

/** Where onnxruntime-web finds its WebAssembly binary. Nothing is ever fetched from the network. */
export interface OnnxRuntimeOptions {
  /**
   * The `.onnx` model bytes. Default: the model shipped in this package (the committed
   * `shared/model/flow-model.onnx`, embedded as base64 so no file or network access is needed).
   */
  readonly modelBytes?: Uint8Array;
  /**
   * The features the model's input tensor takes, in order. Default: the shipped default model's
   * (`defaultFlowParams.featureOrder`).
   */
  readonly featureOrder?: readonly (keyof FlowFeatures)[];
  /**
   * The `ort-wasm-simd-threaded.wasm` binary (the same file in Node and in a browser). In Node,
   * read it from `onnxruntime-web/dist/`; in a browser, fetch it from your own origin.
   */
  readonly wasmBinary?: ArrayBuffer | Uint8Array;
  /**
   * Instead of `wasmBinary`: directory (URL or file prefix) serving onnxruntime-web's
   * `ort-wasm-simd-threaded.wasm` and `ort-wasm-simd-threaded.mjs`.
   */
  readonly wasmPaths?: string;
}

/** The default flow model run by onnxruntime-web (wasm backend, single thread, no proxy). */
export interface OnnxFlowModel extends AsyncFlowModel {
  /** Scores many feature sets in one inference call. */
  scoreBatch(features: readonly FlowFeatures[]): Promise<Float32Array>;
  /** Releases the inference session. */
  release(): Promise<void>;
}

/** Decodes base64 without Node's Buffer (works in browsers and Node >= 16). */
export function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** The shipped model's bytes (identical to `shared/model/flow-model.onnx`). */
export function shippedFlowModelBytes(): Uint8Array {
  return decodeBase64(FLOW_MODEL_ONNX_BASE64);
}

/**
 * Creates an inference session for the default flow model (or another `.onnx` with the same
 * input and output). Session creation is async and takes
 * ~0.3–0.5 s (wasm compile); do it once per process. onnxruntime-web is imported lazily so code
 * that only uses the heuristic never loads it.
 *
 * @example
 * ```ts
 * const wasm = await readFile(require.resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
 * const onnx = await createOnnxFlowModel({ wasmBinary: wasm });
 * const score = await onnx.scoreAsync(detector.featuresFor(input));
 * ```
 */
export async function createOnnxFlowModel(
  options: OnnxRuntimeOptions = {},
): Promise<OnnxFlowModel> {
  // The wasm-only build: in a browser plain `onnxruntime-web` resolves to the WebGPU build, whose
  // glue wants another (28 MB) binary and fails on the `ort-wasm-simd-threaded.wasm` Node uses.
  const ort = await import('onnxruntime-web/wasm');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  if (options.wasmBinary) ort.env.wasm.wasmBinary = options.wasmBinary;
  if (options.wasmPaths) ort.env.wasm.wasmPaths = options.wasmPaths;
  const session: InferenceSession = await ort.InferenceSession.create(
    options.modelBytes ?? shippedFlowModelBytes(),
    { executionProviders: ['wasm'], graphOptimizationLevel: 'all' },
  );
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const order = options.featureOrder ?? defaultFlowParams.featureOrder ?? FEATURE_ORDER;
  const k = order.length;

  async function runBatch(rows: readonly FlowFeatures[]): Promise<Float32Array> {
    const data = new Float32Array(rows.length * k);
    rows.forEach((f, r) => {
      for (let j = 0; j < k; j++) data[r * k + j] = f[order[j]];
    });
    const tensor = new ort.Tensor('float32', data, [rows.length, k]);
    const out = await session.run({ [inputName]: tensor });
    return out[outputName].data as Float32Array;
  }

  return {
    name: 'onnx-rhythm',
    async scoreAsync(features) {
      return (await runBatch([features]))[0];
    },
    scoreBatch: runBatch,
    release: () => session.release(),
  };
}
