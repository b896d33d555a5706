import { describe, expect, it } from 'vitest';
import { loadedAddresses, webBuildOf } from './webBuild.js';

const BUILT = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <title>Switchboard</title>
    <script type="module" crossorigin src="/assets/index-BLlq0C3c.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/index-hgAJHmRy.css">
  </head>
  <body><div id="root"></div></body>
</html>`;

describe('webBuildOf', () => {
  it("names a production build by its entry script's and stylesheets' hashed names, in any order", () => {
    const build = webBuildOf(loadedAddresses(BUILT));
    expect(build).toBe('index-BLlq0C3c.js index-hgAJHmRy.css');
    expect(
      webBuildOf([
        'https://wall.example.com/base/assets/index-hgAJHmRy.css',
        'https://wall.example.com/base/assets/index-BLlq0C3c.js?v=1',
      ]),
    ).toBe(build);
  });

  it('tells builds apart by any of their files, the stylesheet alone included', () => {
    const build = webBuildOf(['/assets/index-BLlq0C3c.js', '/assets/index-hgAJHmRy.css']);
    expect(webBuildOf(['/assets/index-BLlq0C3c.js', '/assets/index-Zz9xYw8v.css'])).not.toBe(build);
    expect(webBuildOf(['/assets/index-Cc0q1C3c.js', '/assets/index-hgAJHmRy.css'])).not.toBe(build);
  });

  it("names no build for a development server's page or a document with nothing hashed", () => {
    expect(webBuildOf(['/src/main.tsx', '/@vite/client'])).toBeNull();
    expect(webBuildOf(['/assets/index.js', '/main.css'])).toBeNull();
    expect(webBuildOf([])).toBeNull();
  });
});

describe('loadedAddresses', () => {
  it('reads module scripts and stylesheets, whatever the quoting and attribute order', () => {
    expect(
      loadedAddresses(`
        <link href='/assets/a-12345678.css' rel=stylesheet>
        <script src=/assets/b-12345678.js type="module"></script>
        <script src="/legacy.js"></script>
        <link rel="icon" href="/favicon-12345678.css">
        <link rel="modulepreload" href="/assets/c-12345678.js">`),
    ).toEqual(['/assets/a-12345678.css', '/assets/b-12345678.js']);
  });
});
