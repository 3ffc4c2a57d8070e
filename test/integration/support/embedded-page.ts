import { runInNewContext } from 'node:vm';
import { waitFor } from './wait-for.js';

/**
 * Runs the script of the ThoughtSpot stand-in's embedded page (`/`) in Node,
 * against the running stand-in over real fetch, with the host page's side of the
 * SDK handshake played here: `appInit` is answered with `authToken`.
 *
 * The page gets a text-only DOM: elements can be created, given `textContent`
 * and appended, and nothing else. Any HTML-parsing API (innerHTML,
 * insertAdjacentHTML, document.write, …) is missing, so a page that tried one
 * would throw here, and nothing it shows can have been parsed as markup.
 */

export interface TextElement {
  readonly tagName: string;
  readonly id: string | undefined;
  textContent: string;
  readonly children: TextElement[];
}

export interface EmbeddedPageRun {
  /** The page's `window.standIn`. */
  state: Record<string, unknown>;
  status: TextElement;
  /** The <dl id="session"> as [label, text] pairs, in order. */
  sessionRows(): [string, string][];
  /** Every element the page created at run time. */
  created: TextElement[];
  /** Messages the page posted to its parent (the host page). */
  posted: { type: string }[];
}

/** `target`, refusing to read or write any property it does not have (textContent aside). */
function only<T extends object>(target: T): T {
  const refuse = (property: string | symbol) => {
    throw new Error(`the embedded page used ${String(property)}: only text APIs are offered`);
  };
  return new Proxy(target, {
    get: (object, property, receiver) =>
      typeof property === 'string' && !(property in object)
        ? refuse(property)
        : Reflect.get(object, property, receiver),
    set: (object, property, value, receiver) =>
      property === 'textContent'
        ? Reflect.set(object, property, value, receiver)
        : refuse(property),
  });
}

function textElement(tagName: string, id?: string): TextElement {
  const children: TextElement[] = [];
  let text = '';
  return only({
    tagName,
    id,
    children,
    get textContent() {
      return text + children.map((child) => child.textContent).join('');
    },
    set textContent(value: string) {
      children.length = 0;
      text = String(value);
    },
    append(...nodes: TextElement[]) {
      children.push(...nodes);
    },
  });
}

/** The inline script of the page's HTML. */
function pageScript(html: string): string {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)];
  const [script] = scripts;
  if (scripts.length !== 1 || script?.[1] === undefined) {
    throw new Error('expected exactly one inline <script> in the embedded page');
  }
  return script[1];
}

export async function runEmbeddedPage(
  standInUrl: string,
  authToken: string,
): Promise<EmbeddedPageRun> {
  const html = await (await fetch(`${standInUrl}/`)).text();
  const elements = new Map<string, TextElement>();
  for (const [, tag, id] of html.matchAll(/<(\w+) id="([^"]+)"/g)) {
    if (tag !== undefined && id !== undefined) elements.set(id, textElement(tag, id));
  }
  const created: TextElement[] = [];
  const posted: { type: string }[] = [];
  const sandbox: Record<string, unknown> = {
    document: only({
      getElementById: (id: string) => elements.get(id) ?? null,
      createElement: (tag: string) => {
        const element = textElement(tag);
        created.push(element);
        return element;
      },
    }),
    parent: {
      postMessage(message: { type: string }, _origin: string, ports: MessagePort[] = []) {
        posted.push(message);
        if (message.type === 'appInit') ports[0]?.postMessage({ data: { authToken } });
      },
    },
    MessageChannel,
    fetch: (path: string, init: RequestInit) => fetch(new URL(path, standInUrl), init),
  };
  sandbox.window = sandbox;
  runInNewContext(pageScript(html), sandbox);

  const state = sandbox.standIn as Record<string, unknown>;
  await waitFor(
    () => posted.some((message) => message.type === 'authInit') || state.error !== null,
    5000,
  ).catch(() => {
    throw new Error('the embedded page neither signed in nor failed');
  });
  const element = (id: string) => {
    const found = elements.get(id);
    if (!found) throw new Error(`the embedded page has no #${id}`);
    return found;
  };
  return {
    state,
    status: element('status'),
    created,
    posted,
    sessionRows() {
      const cells = element('session').children.map((child) => child.textContent);
      return cells.flatMap((cell, index) =>
        index % 2 === 0 ? [[cell, cells[index + 1] ?? ''] as [string, string]] : [],
      );
    },
  };
}
