import { describe, expect, it } from 'vitest';
import { documentWebBuild } from './webBuild';

function documentOf(head: string): Document {
  return new DOMParser().parseFromString(
    `<!doctype html><html><head>${head}</head><body></body></html>`,
    'text/html',
  );
}

describe('documentWebBuild', () => {
  it("names the page's build by the hashed entry script and stylesheet its document loads", () => {
    const doc = documentOf(
      '<script type="module" crossorigin src="/assets/index-BLlq0C3c.js"></script>' +
        '<link rel="stylesheet" crossorigin href="/assets/index-hgAJHmRy.css">' +
        '<link rel="modulepreload" href="/assets/vendor-Ab12Cd34.js">',
    );
    expect(documentWebBuild(doc)).toBe('index-BLlq0C3c.js index-hgAJHmRy.css');
  });

  it('names none for a development server’s page', () => {
    const doc = documentOf(
      '<script type="module" src="/@vite/client"></script><script type="module" src="/src/main.tsx"></script>',
    );
    expect(documentWebBuild(doc)).toBeNull();
  });
});
