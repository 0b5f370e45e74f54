// Opens an eval's HTML report in a real headless Chromium (playwright-core) and checks it renders on its own.
// Usage: node report.e2e.mjs <report.html> <output directory> <crews expected>
// Exits 0 when the page fetched nothing, had no errors, drew one point per crew and the per-case matrix; 3 when
// playwright-core or Chromium is missing (the line "e2e: missing ..." says which).
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url); // honours NODE_PATH, unlike import
const executablePath = process.env.CADRE_CHROMIUM || '/usr/bin/chromium';
const missing = [];
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  missing.push('playwright-core (npm install playwright-core, then NODE_PATH=<prefix>/node_modules)');
}
if (!existsSync(executablePath)) missing.push('Chromium at ' + executablePath + ' (apt-get install chromium, or set CADRE_CHROMIUM)');
if (missing.length) {
  console.log('e2e: missing ' + missing.join(', '));
  process.exit(3);
}

const [report, out, crews] = process.argv.slice(2);
if (!report || !out || !crews) {
  console.error('usage: node report.e2e.mjs <report.html> <output directory> <crews expected>');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'cadre-e2e-eval-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1100, height: 800 },
});
const step = (text) => console.log('e2e: ' + text);
const page = browser.pages()[0] || await browser.newPage();
try {
  const problems = [];
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console error: ' + m.text()); });
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push('fetched ' + r.url()); });

  await page.goto(pathToFileURL(resolve(report)).href);
  step('opened ' + (await page.title()));
  const points = await page.locator('svg[data-test=scatter] circle').count();
  if (points !== Number(crews)) throw new Error('the scatter has ' + points + ' points, not ' + crews);
  const rows = await page.locator('table[data-test=crews] tr[data-crew]').count();
  if (rows !== Number(crews)) throw new Error('the crews table has ' + rows + ' rows, not ' + crews);
  const box = await page.locator('svg[data-test=scatter]').boundingBox();
  if (!box || box.width < 300 || box.height < 200) throw new Error('the scatter is not drawn: ' + JSON.stringify(box));
  const matrix = await page.locator('table[data-test=cases] td.all, table[data-test=cases] td.none, table[data-test=cases] td.some').count();
  if (matrix === 0) throw new Error('the per-case matrix has no cells');
  step('scatter and matrix drawn');
  await page.screenshot({ path: join(out, 'eval-report.png'), fullPage: true });
  if (problems.length) throw new Error(problems.join('\n'));
  step('ok');
} catch (e) {
  console.error('e2e: FAILED: ' + e.message);
  process.exitCode = 1;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
