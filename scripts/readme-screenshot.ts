/**
 * The README's screenshot: a report pack's HTML in headless Chromium (Debian chromium via
 * playwright-core). npx tsx scripts/readme-screenshot.ts <report.html> docs/images/management-report.png
 */
import { chromium } from 'playwright-core';

const [html, png] = process.argv.slice(2);
if (!html || !png) throw new Error('usage: readme-screenshot.ts REPORT.html OUT.png');
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
const page = await browser.newPage({ viewport: { width: 860, height: 1100 }, deviceScaleFactor: 1 });
await page.goto(`file://${html}`);
await page.screenshot({ path: png, clip: { x: 0, y: 0, width: 860, height: 1100 } });
await browser.close();
