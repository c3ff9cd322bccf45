import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless Chromium for the report tests and the README screenshot, with no Debian package: the
 * browser is the one @sparticuz/chromium ships inside its npm package (unpacked to the temp dir on
 * first use). LOANWATCH_TEST_CHROMIUM points at another build instead (e.g. Debian's /usr/bin/chromium).
 * `fontFile` is made visible to the browser through a private fontconfig file, so Chinese renders
 * with the same font as the PNG and PDF even on a machine without a CJK system font.
 */
export async function launchChromium(fontFile: string): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'lw-chromium-'));
  mkdirSync(join(profile, 'fontconfig-cache'));
  const fontsConf = join(profile, 'fonts.conf');
  writeFileSync(
    fontsConf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${dirname(fontFile)}</dir>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <cachedir>${join(profile, 'fontconfig-cache')}</cachedir>
</fontconfig>
`,
  );
  // an empty LOANWATCH_TEST_CHROMIUM counts as unset
  const fromEnv = process.env.LOANWATCH_TEST_CHROMIUM;
  const executablePath = fromEnv !== undefined && fromEnv !== '' ? fromEnv : await sparticuz.executablePath();
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    env: {
      ...process.env,
      FONTCONFIG_FILE: fontsConf,
      XDG_CONFIG_HOME: profile,
      XDG_CACHE_HOME: profile,
      HOME: profile,
    },
  }); // playwright gives each launch a fresh --user-data-dir
  return {
    browser,
    close: async () => {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
