import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';
import fc from 'fast-check';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  FlowDetector,
  defaultFlowModel,
  type FlowFeatures,
  type FlowInput,
  type FlowPeriod,
  type FlowStateResult,
} from '../../shared/src';
import {
  blockNonLocalRequests,
  launchChromium,
  startStaticServer,
  watchPage,
  type PageDiagnostics,
  type StaticServer,
} from '../helpers/browser';
import { featuresArb, steadyInput, T0 } from './flow-arbitraries';

const TOLERANCE = 1e-5;
const ENTRY = path.join(import.meta.dirname, 'fixtures/flow-onnx-page.ts');
const ORT_DIST = path.dirname(
  createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'),
);
const HTML = { type: 'text/html; charset=utf-8' };

/** Bundles the page entry in memory: the bundle is served from the test server, never written. */
async function bundlePage(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: 'out',
    write: false,
    logLevel: 'warning',
  });
  return result.outputFiles[0].contents;
}

/**
 * Enters flow, holds it through a dip inside the hysteresis band, leaves it by score, re-enters
 * (with a recovery time), leaves again, re-enters, goes idle and ends in flow: scores span the
 * whole range, not only the saturated 0 and 1 a steady stream gives.
 */
function scenario(): { inputs: FlowInput[]; closeAt: number } {
  const typing = (base: number) =>
    Array.from({ length: 30 }, (_, i) => base + (i % 5) * base * 0.2);
  // A switch and some errors per update: the default model's score sinks through the band.
  const band = { contextSwitches: 1, errorEvents: 2, windowFocusDuration: 20_000 };
  const low = {
    contextSwitches: 6,
    windowFocusDuration: 5_000,
    keystrokeIntervals: typing(300).slice(0, 8),
  };
  const wobble = { contextSwitches: 2, windowFocusDuration: 10_000 };
  const plan: Array<[number, Partial<FlowInput>]> = [
    [4, {}],
    [3, band],
    [5, low],
    [2, wobble],
    [6, {}],
    [5, low],
    [4, {}],
  ];
  const inputs: FlowInput[] = [];
  let t = T0;
  for (const [count, overrides] of plan) {
    for (let i = 0; i < count; i++) inputs.push(steadyInput((t += 30_000), overrides));
  }
  t += 10 * 60_000;
  for (let i = 0; i < 4; i++) inputs.push(steadyInput((t += 30_000)));
  return { inputs, closeAt: t + 30_000 };
}

/** Every feature set to `v`. */
function allFeatures(v: number): FlowFeatures {
  const keys = Object.keys(fc.sample(featuresArb, 1)[0]) as (keyof FlowFeatures)[];
  return Object.fromEntries(keys.map((k) => [k, v])) as unknown as FlowFeatures;
}

function expectClose(actual: number, expected: number, what: string): void {
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThan(TOLERANCE);
}

describe('the ONNX flow model in headless Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let blocked: string[];
  let diagnostics: PageDiagnostics;

  beforeAll(async () => {
    server = await startStaticServer({
      files: {
        '/': { ...HTML, body: '<!doctype html><script type="module" src="/page.js"></script>' },
        '/blank': { ...HTML, body: '<!doctype html>' },
        '/page.js': { type: 'text/javascript; charset=utf-8', body: await bundlePage() },
      },
      dirs: { '/ort/': ORT_DIST },
    });
    browser = await launchChromium();
    context = await browser.newContext();
    blocked = await blockNonLocalRequests(context);
    page = await context.newPage();
    diagnostics = watchPage(page);
    await page.goto(server.url);
    await page.waitForFunction(() => window.flowOnnx ?? window.flowOnnxError, null, {
      timeout: 30_000,
    });
    const failure = await page.evaluate(() => window.flowOnnxError);
    if (failure) {
      throw new Error(
        `the page could not load the model:\n${failure}\n${diagnostics.logs.join('\n')}`,
      );
    }
  });
  afterEach(() => {
    expect(blocked, 'requests that left this machine').toEqual([]);
    expect(diagnostics.errors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads the shipped model with the wasm binary Node uses, served from the page origin', () => {
    expect(server.requests.filter((p) => p.startsWith('/ort/'))).toEqual([
      '/ort/ort-wasm-simd-threaded.wasm',
    ]);
  });

  it('scores like the TypeScript reference to 1e-5', async () => {
    const samples: FlowFeatures[] = [
      ...fc.sample(featuresArb, { numRuns: 500, seed: 42 }),
      allFeatures(0),
      allFeatures(1),
    ];
    const batch = await page.evaluate((f) => window.flowOnnx!.scoreBatch(f), samples);
    const each = await page.evaluate((f) => window.flowOnnx!.scoreEach(f), samples.slice(0, 25));
    expect(batch).toHaveLength(samples.length);
    samples.forEach((f, i) => expectClose(batch[i], defaultFlowModel.score(f), `sample ${i}`));
    each.forEach((score, i) => expectClose(score, batch[i], `scoreAsync of sample ${i}`));
  });

  it('drives a FlowDetector through the same states and periods as Node does', async () => {
    const { inputs, closeAt } = scenario();
    const node = new FlowDetector({ model: defaultFlowModel });
    expect(node.model).toBe(new FlowDetector().model);
    const expected: FlowStateResult[] = inputs.map((input) => node.update(input));
    const expectedPeriods: readonly FlowPeriod[] = node.close(closeAt);
    // The scenario must exercise the detector, or agreeing with it would prove little.
    expect(expected.some((r) => r.flowIntensity > 0.2 && r.flowIntensity < 0.8)).toBe(true);
    expect(expectedPeriods.length).toBeGreaterThanOrEqual(2);
    expect(expectedPeriods.some((p) => p.endReason === 'score')).toBe(true);

    const got = await page.evaluate(([x, end]) => window.flowOnnx!.runDetector(x, end), [
      inputs,
      closeAt,
    ] as const);

    expect(got.results).toHaveLength(expected.length);
    got.results.forEach((r, i) => {
      const { flowIntensity, confidence, ...rest } = expected[i];
      expect(r, `update ${i}`).toMatchObject(rest);
      expectClose(r.flowIntensity, flowIntensity, `flowIntensity of update ${i}`);
      expectClose(r.confidence, confidence, `confidence of update ${i}`);
    });
    expect(got.periods).toHaveLength(expectedPeriods.length);
    got.periods.forEach((p, i) => {
      const { intensity, ...rest } = expectedPeriods[i];
      expect(p, `period ${i}`).toMatchObject(rest);
      expectClose(p.intensity, intensity, `intensity of period ${i}`);
    });
  });

  it('has a network guard that would catch a request leaving this machine', async () => {
    const probe = await browser.newContext();
    try {
      const caught = await blockNonLocalRequests(probe);
      const probePage = await probe.newPage();
      await probePage.goto(`${server.url}/blank`);
      const outcome = await probePage.evaluate(() =>
        fetch('http://example.com/ort-wasm-simd-threaded.wasm').then(
          () => 'fetched',
          () => 'failed',
        ),
      );
      expect(outcome).toBe('failed');
      expect(caught).toEqual(['http://example.com/ort-wasm-simd-threaded.wasm']);
    } finally {
      await probe.close();
    }
  });
});
