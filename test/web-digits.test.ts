// The web example in headless Chromium: the page loads one script with the network and its
// trained weights built in (examples/web/lenet.js, the inference build, kept fresh by
// test/web-inference-fresh.test.ts) and fetches nothing else, and classifies digits put on
// its drawing pad, both through its test hook (known MNIST test digits, enlarged) and with
// real mouse strokes.
// Needs Debian's chromium at /usr/bin/chromium (.ci/run installs it with apt-get when it is
// absent); where it cannot be had, the tests are skipped and both the console and the test
// list say plainly that the browser test could not run, and why.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../examples/web/serve.mjs';
import { loadSplit, resolveDataDir } from '../src/train/data.js';

// CNNC_CHROMIUM overrides the path (e.g. to check the skip: CNNC_CHROMIUM=/nonexistent).
const CHROMIUM = process.env.CNNC_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
/** Why the browser test cannot run here, in words; undefined when it can. */
const couldNotRun = hasChromium
  ? undefined
  : `the browser test COULD NOT RUN: ${CHROMIUM} not found (install Debian's chromium: apt-get install chromium; .ci/run does it when apt-get is available)`;
if (couldNotRun) console.warn(`web example tests SKIPPED: ${couldNotRun}`);

// A skipped test whose name says why, so that the run's test list shows it too.
describe.skipIf(hasChromium)('web example in headless Chromium: not run', () => {
  it.skip(couldNotRun ?? 'runs', () => {});
});

interface Answer {
  digit: number;
  probabilities: number[];
  input: number[];
}

describe.skipIf(!hasChromium)(`web example in headless Chromium (${CHROMIUM})`, () => {
  let context: BrowserContext;
  let page: Page;
  let server: ReturnType<typeof createServer>;
  const requests: string[] = [];

  beforeAll(async () => {
    // What a user serves: examples/, as `node examples/web/serve.mjs` does.
    server = createServer({ '/examples/': resolve('examples') });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;

    const { chromium } = await import('playwright-core');
    const profile = mkdtempSync(join(tmpdir(), 'cnnc-web-profile-'));
    mkdirSync(profile, { recursive: true });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    });
    page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await page.goto(`http://127.0.0.1:${port}/examples/web/`);
    const target = await page.evaluate(() => (window as unknown as { cnncDemo: { ready: Promise<string> } }).cnncDemo.ready);
    expect(errors).toEqual([]);
    // The committed build is the default target: the page runs the WebAssembly kernels.
    expect(target).toBe('wasm');
    // One script holds the model and its weights: no weights file is fetched, nothing outside the page's folder.
    expect(requests.filter((p) => !p.endsWith('/favicon.ico')).sort()).toEqual(
      ['/examples/web/', '/examples/web/app.js', '/examples/web/lenet.js', '/examples/web/preprocess.js'],
    );
  });

  afterAll(async () => {
    await context?.close();
    await new Promise((done) => server?.close(done));
  });

  it('classifies known MNIST test digits drawn on the pad', async () => {
    const test = loadSplit(resolveDataDir('mnist'), 't10k', 10);
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) {
      const pixels = Array.from(test.pixels.subarray(i * 784, (i + 1) * 784), (v) => v / 255);
      const answer = await page.evaluate((p) => {
        const demo = (window as unknown as { cnncDemo: { drawPixels(p: number[]): void; classify(): Answer } }).cnncDemo;
        demo.drawPixels(p);
        return demo.classify();
      }, pixels);
      answers.push(answer.digit);
      expect(answer.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    }
    // The labels of the first ten test digits, from the t10k labels file.
    expect(answers).toEqual(Array.from(test.labels));
    expect(await page.textContent('#digit')).toBe(String(answers[9]));
  });

  // Strokes in pad pixels (280×280): polylines drawn with the mouse button down.
  const shapes: [string, [number, number][][]][] = [
    ['1', [[[150, 40], [130, 240]]]],
    ['7', [[[70, 60], [210, 60], [120, 240]]]],
    ['0', [[[140, 40], [90, 80], [80, 150], [100, 220], [140, 240], [185, 215], [200, 150], [190, 80], [140, 40]]]],
    ['4', [[[110, 40], [80, 160], [200, 160]], [[170, 80], [170, 250]]]],
  ];
  for (const [digit, strokes] of shapes) {
    it(`classifies a ${digit} drawn with the mouse`, async () => {
      await page.evaluate(() => (window as unknown as { cnncDemo: { clear(): void } }).cnncDemo.clear());
      const box = (await page.locator('#pad').boundingBox())!;
      for (const points of strokes) {
        await page.mouse.move(box.x + points[0]![0], box.y + points[0]![1]);
        await page.mouse.down();
        for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x, box.y + y, { steps: 8 });
        await page.mouse.up();
      }
      await page.waitForFunction(() => document.querySelector('#digit')?.textContent !== '?');
      expect(await page.textContent('#digit')).toBe(digit);
    });
  }
});
