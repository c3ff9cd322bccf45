/**
 * The README's screenshot: a report pack's HTML in headless Chromium (the npm-shipped build, see
 * test/helpers/browser.ts). npx tsx scripts/readme-screenshot.ts <report.html> docs/images/management-report.png
 */
import { resolve } from 'node:path';
import { cjkFontFile } from '../reports/render/fonts.ts';
import { launchChromium } from '../test/helpers/browser.ts';

const [html, png] = process.argv.slice(2);
if (!html || !png) throw new Error('usage: readme-screenshot.ts REPORT.html OUT.png');
const { browser, close } = await launchChromium(cjkFontFile(process.env.LOANWATCH_CJK_FONT ?? ''));
const page = await browser.newPage({ viewport: { width: 860, height: 1100 }, deviceScaleFactor: 1 });
await page.goto(`file://${resolve(html)}`);
await page.screenshot({ path: png, clip: { x: 0, y: 0, width: 860, height: 1100 } });
await close();
