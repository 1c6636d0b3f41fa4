// The dashboard end to end in headless Chromium (playwright-core, the machine's chromium):
// sign in, drop a model on the upload page, watch its job succeed, find its thumbnail in the
// catalog, open its 3D preview and check the canvas drew the model; then a reader sees no write
// controls. Fails on any console error or page error. Screenshots and result.json go to OUT.
// Env: BASE, ADMIN_KEY, READER_KEY, MODEL (a .glb), PIPELINE, OUT, PLAYWRIGHT (playwright-core
// folder), CHROMIUM (the browser's executable).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const { chromium } = await import(join(env('PLAYWRIGHT'), 'index.mjs'));
const out = env('OUT');
mkdirSync(out, { recursive: true });
const result = { steps: [], errors: [] };
const step = (s) => {
  result.steps.push(s);
  console.log('step:', s);
};

const browser = await chromium.launch({
  executablePath: env('CHROMIUM'),
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-quic',
    '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const watch = (page, who) => {
    page.on('console', (m) => {
      if (m.type() === 'error') result.errors.push(`${who} console: ${m.text()}`);
      else console.log(`${who} ${m.type()}: ${m.text()}`);
    });
    page.on('requestfailed', (r) => console.log(`${who} request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => r.status() >= 400 && console.log(`${who} ${r.status()} ${r.url()}`));
    page.on('pageerror', (e) => result.errors.push(`${who} page: ${e.message}`));
  };
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  watch(page, 'admin');
  await page.goto(env('BASE') + '/');
  await page.fill('#key', env('ADMIN_KEY'));
  await page.click('#keyform button');
  await page.waitForSelector('#nodes tbody tr', { timeout: 30000 });
  step('signed in; the overview lists a node');

  await page.goto(env('BASE') + '/#/upload');
  await page.waitForSelector('#drop');
  await page.selectOption('#pipeline', env('PIPELINE'));
  await page.fill('#tags', 'e2e');
  const bytes = readFileSync(env('MODEL')).toString('base64');
  const transfer = await page.evaluateHandle(([b64, name]) => {
    const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([raw], name, { type: 'model/gltf-binary' }));
    return dt;
  }, [bytes, basename(env('MODEL'))]);
  await page.dispatchEvent('#drop', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('#drop', 'drop', { dataTransfer: transfer });
  await page.waitForSelector('#newjob', { timeout: 60000 });
  const progress = await page.$eval('#progress > i', (e) => e.style.width);
  if (progress !== '100%') throw new Error('progress bar at ' + progress);
  result.jobId = await page.textContent('#newjob');
  step('dropped ' + basename(env('MODEL')) + ': job ' + result.jobId);

  await page.click('#newjob');
  await page.waitForSelector('#job[data-state="succeeded"]', { timeout: 180000 });
  result.lanes = await page.$$eval('.timeline .row', (rows) => rows.length);
  await page.screenshot({ path: join(out, 'job.png'), fullPage: true });
  step(`job succeeded; its timeline shows ${result.lanes} task(s)`);

  await page.goto(env('BASE') + '/#/catalog?tag=e2e');
  await page.waitForSelector('.tile img[data-loaded="true"]', { timeout: 30000 });
  result.thumbnailWidth = await page.$eval('.tile img[data-loaded="true"]', (i) => i.naturalWidth);
  await page.screenshot({ path: join(out, 'catalog.png'), fullPage: true });
  step(`catalog shows its thumbnail (${result.thumbnailWidth} px wide)`);

  await page.click('.tile');
  await page.waitForSelector('#preview[data-drawn="true"]', { timeout: 60000 });
  await page.waitForTimeout(500);
  result.preview = await page.$eval('#preview canvas', (c) => {
    const copy = document.createElement('canvas');
    copy.width = c.width;
    copy.height = c.height;
    const g = copy.getContext('2d');
    g.drawImage(c, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    let drawn = 0;
    for (let i = 0; i < px.length; i += 4) {
      // the background is #f3f4f8
      if (Math.abs(px[i] - 0xf3) + Math.abs(px[i + 1] - 0xf4) + Math.abs(px[i + 2] - 0xf8) > 24) drawn++;
    }
    return { width: c.width, height: c.height, drawnFraction: drawn / (c.width * c.height) };
  });
  result.meshes = Number(await page.getAttribute('#preview', 'data-meshes'));
  result.derivatives = await page.$$eval('#derivatives tr', (rows) => rows.map((r) => r.cells[0].textContent));
  result.validation = await page.textContent('#validation p');
  result.adminSeesDelete = (await page.$('button[data-write]')) !== null;
  await page.screenshot({ path: join(out, 'asset.png'), fullPage: true });
  step(`3D preview drew ${(result.preview.drawnFraction * 100).toFixed(1)} % of its canvas`);

  await page.goto(env('BASE') + '/#/overview');
  await page.waitForSelector('#nodes tbody tr');
  await page.waitForTimeout(4500); // a few polls draw the charts
  await page.screenshot({ path: join(out, 'overview.png'), fullPage: true });
  step('overview');

  const reader = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  watch(reader, 'reader');
  await reader.goto(env('BASE') + '/');
  await reader.fill('#key', env('READER_KEY'));
  await reader.click('#keyform button');
  await reader.waitForSelector('#nodes tbody tr', { timeout: 30000 });
  result.readerSeesUpload = await reader.isVisible('[data-nav="upload"]');
  await reader.goto(env('BASE') + '/#/catalog?tag=e2e');
  await reader.waitForSelector('.tile');
  await reader.click('.tile');
  await reader.waitForSelector('#derivatives');
  result.readerWriteButtons = await reader.$$eval('button[data-write]', (b) => b.length);
  step('a reader sees no upload and no write buttons');
} catch (e) {
  result.failure = String(e && e.stack ? e.stack : e);
  for (const c of browser.contexts()) {
    for (const [i, p] of c.pages().entries()) {
      await p.screenshot({ path: join(out, `failure-${i}.png`), fullPage: true }).catch(() => {});
      result.failedAt = p.url();
    }
  }
} finally {
  await browser.close();
  writeFileSync(join(out, 'result.json'), JSON.stringify(result, null, 2));
}
console.log(JSON.stringify(result, null, 2));
process.exit(result.failure ? 1 : 0);
