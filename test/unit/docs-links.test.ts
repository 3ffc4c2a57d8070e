import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The README links to the docs by section; a renamed heading or a moved page must not
// leave a reader at a dead link. Checks every relative link and its #anchor.

const ROOT = path.join(import.meta.dirname, '../..');
const PAGES = ['README.md', 'docs/operations.md', 'docs/development.md', 'bench/README.md'];

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

function anchorsOf(page: string): Set<string> {
  const text = readFileSync(path.join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map(([, heading = '']) => slug(heading)));
}

function linksOf(page: string): { target: string; anchor: string | undefined }[] {
  const text = readFileSync(path.join(ROOT, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map(([, href = '']) => href)
    .filter((href) => !/^[a-z]+:/.test(href))
    .map((href) => {
      const [file = '', anchor] = href.split('#');
      const target = file === '' ? page : path.join(path.dirname(page), file);
      return { target, anchor };
    });
}

describe('links between the docs', () => {
  it.each(PAGES)(
    'every relative link in %s reaches a file and, with an anchor, a heading',
    (page) => {
      const links = linksOf(page);
      expect(links.length).toBeGreaterThan(0);
      const broken = links.filter(
        ({ target, anchor }) =>
          !existsSync(path.join(ROOT, target)) ||
          (anchor !== undefined && target.endsWith('.md') && !anchorsOf(target).has(anchor)),
      );

      expect(broken).toEqual([]);
    },
  );
});
