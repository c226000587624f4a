import { readFileSync } from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';

/** A request body from `test/fixtures/dav/`, as the bytes a client sends. */
export function fixture(name: string): Buffer {
  return readFileSync(new URL(`../../fixtures/dav/${name}`, import.meta.url));
}

/**
 * Parses writer output strictly (any parser complaint fails the test, except xmldom's note that the
 * text holds U+FFFD, which the writer puts there on purpose) and returns the root.
 */
export function parseBack(xml: string): Element {
  const doc = new DOMParser({
    onError: (level, message) => {
      if (level === 'warning' && message.includes('replacement character')) return;
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(xml, 'text/xml');
  if (!doc.documentElement) throw new Error('no root element');
  return doc.documentElement;
}

/** The element children of an element, as `{namespace}name` strings, for structure assertions. */
export function childNames(el: Element): string[] {
  const out: string[] = [];
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) {
      const child = node as Element;
      out.push(`{${child.namespaceURI ?? ''}}${child.localName}`);
    }
  }
  return out;
}

/** The element children of an element. */
export function children(el: Element): Element[] {
  const out: Element[] = [];
  for (let node = el.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) out.push(node as Element);
  }
  return out;
}

export const LIMITS = { maxBytes: 1_048_576 };
