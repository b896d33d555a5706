import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const shots = [
  ['wall', '/?view=wall', 1920, 1080],
  ['laptop', '/?view=laptop', 1440, 900],
  ['embed', '/?view=embed', 800, 400],
  ['screens', '/?view=screens', 1440, 900],
];
for (const [name, path, w, h] of shots) {
  const page = await browser.newPage({ viewport: { width: w, height: h } });
  await page.goto('http://localhost:18902' + path);
  await page.waitForTimeout(6000);
  await page.screenshot({ path: `/tmp/shot-${name}.png` });
  await page.close();
}
await browser.close();
