// End-to-end test of the Cadre web console in a real headless Chromium, driven by playwright-core.
// Usage: node console.e2e.mjs <console URL with ?token=...> <output directory>
// The console must offer the crew "review", which stops at a review checkpoint after its first step.
// Exits 0 when the run was started from the form, stopped at the checkpoint, was approved and finished.
import { createRequire } from 'node:module';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url); // honours NODE_PATH, unlike import
const { chromium } = require('playwright-core');

const [url, out] = process.argv.slice(2);
if (!url || !out) {
  console.error('usage: node console.e2e.mjs <console url> <output directory>');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'cadre-e2e-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CADRE_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});
const step = (text) => console.log('e2e: ' + text);
const page = browser.pages()[0] || await browser.newPage();
try {
  page.setDefaultTimeout(30000);
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });

  await page.goto(url);
  step('opened ' + page.url());
  if (page.url().includes('token=')) throw new Error('the token stayed in the address bar: ' + page.url());

  await page.locator('[data-test=start-form]').waitFor();
  await page.selectOption('[data-test=crew]', 'review');
  await page.fill('[data-test=task]', 'Cadre 1.2');
  await page.click('[data-test=start]');
  await page.waitForURL(/#\/runs\//);
  const runId = decodeURIComponent(page.url().split('#/runs/')[1]);
  step('started run ' + runId);

  const approve = page.locator('[data-checkpoint] [data-test=approve]');
  await approve.waitFor();
  await page.locator('[data-test=summary] [data-test=status]', { hasText: 'waiting for you' }).waitFor();
  await page.locator('[data-test=tree] [data-test=tool-call]', { hasText: 'workspace_list' }).waitFor();
  const proposed = await page.locator('[data-checkpoint] [data-test=proposed]').textContent();
  if (!proposed.includes('Release 1.2')) throw new Error('the checkpoint does not show the draft: ' + proposed);
  step('checkpoint shown');
  await page.screenshot({ path: join(out, 'console-checkpoint.png'), fullPage: true });

  await approve.click();
  await page.locator('[data-test=summary] [data-test=status]', { hasText: 'finished' }).waitFor();
  await page.locator('[data-test=output]', { hasText: 'Green tests' }).waitFor();
  await page.locator('details.step[data-path="release/debate/round-2/skeptic"]').waitFor();
  const sideBySide = await page.locator('details.step[data-path="release/debate/round-1"] > .step-body > .children.side-by-side').count();
  if (sideBySide !== 1) throw new Error('debate round 1 is not shown side by side');
  step('run finished');
  await page.screenshot({ path: join(out, 'console-finished.png'), fullPage: true });

  await page.goto(url.replace(/\?.*$/, '') + '#/');
  const row = page.locator('[data-test=runs] tr[data-run="' + runId + '"]');
  await row.locator('[data-test=status]', { hasText: 'finished' }).waitFor();
  step('listed as finished');
  await page.screenshot({ path: join(out, 'console.png') });
  if (problems.length) throw new Error(problems.join('\n'));
  step('ok');
} catch (err) {
  await page.screenshot({ path: join(out, 'console-failure.png'), fullPage: true }).catch(() => {});
  console.error('e2e: failed on ' + page.url() + ' (screenshot: ' + join(out, 'console-failure.png') + ')');
  console.error('e2e: page text:\n' + (await page.locator('main').innerText().catch(() => '(none)')).slice(0, 3000));
  throw err;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
