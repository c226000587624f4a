/** Property selections (PROPFIND, REPORT `prop`), `address-data` and PROPPATCH instructions. */
import { type Element, XMLSerializer } from '@xmldom/xmldom';
import { attributeOf, childElements, isNamed, nameOf, textOf } from './document.js';
import { DavXmlError } from './errors.js';
import { CARDDAV, clark, DAV, type QName, VCARD_VERSIONS, type VCardVersion } from './names.js';
import type { AddressDataProp, AddressDataRequest, PropPatchOperation, PropSelection } from './types.js';

/** The property names inside a `DAV:prop`, once each, in document order. */
export function propNames(prop: Element): QName[] {
  const seen = new Set<string>();
  const names: QName[] = [];
  for (const child of childElements(prop)) {
    const name = nameOf(child);
    if (seen.has(clark(name))) continue;
    seen.add(clark(name));
    names.push(name);
  }
  return names;
}

/**
 * The `prop` / `allprop` / `propname` choice among an element's children (the first one wins), or
 * `null` when there is none.
 */
export function selectionIn(parent: Element): PropSelection | null {
  const children = childElements(parent);
  for (const child of children) {
    if (isNamed(child, DAV.prop)) return { kind: 'prop', props: propNames(child) };
    if (isNamed(child, DAV.propname)) return { kind: 'propname' };
    if (isNamed(child, DAV.allprop)) {
      const include = children.find((el) => isNamed(el, DAV.include));
      return { kind: 'allprop', include: include ? propNames(include) : [] };
    }
  }
  return null;
}

/** The PROPFIND selection; an empty body, or a `propfind` with no choice in it, is allprop (RFC 4918 §9.1). */
export function readPropfind(root: Element | null): PropSelection {
  if (root === null) return { kind: 'allprop', include: [] };
  if (!isNamed(root, DAV.propfind))
    throw new DavXmlError('invalid', 'A PROPFIND body must be a DAV:propfind element');
  return selectionIn(root) ?? { kind: 'allprop', include: [] };
}

const VCARD_TYPES = new Set(['text/vcard', 'text/x-vcard']);

function versionOf(raw: string | undefined): VCardVersion | null {
  if (raw === undefined || raw.trim() === '') return null;
  const version = VCARD_VERSIONS.find((known) => known === raw.trim());
  if (!version) throw new DavXmlError('unsupported-address-data', 'Only vCard 3.0 and 4.0 are served');
  return version;
}

/** Reads an `address-data` element: the type and version asked for, and which vCard properties. */
export function readAddressData(el: Element): AddressDataRequest {
  let version = versionOf(attributeOf(el, 'version'));
  const contentType = attributeOf(el, 'content-type')?.trim();
  if (contentType) {
    const [type = '', ...params] = contentType.split(';').map((part) => part.trim());
    if (!VCARD_TYPES.has(type.toLowerCase())) {
      throw new DavXmlError('unsupported-address-data', 'Only text/vcard address data is served');
    }
    // `content-type="text/vcard; version=4.0"` says the same as the attribute.
    const param = params.find((p) => /^version\s*=/i.test(p));
    version ??= versionOf(param?.split('=')[1]?.replace(/"/g, ''));
  }
  const children = childElements(el);
  if (children.length === 0 || children.some((child) => isNamed(child, CARDDAV.allprop))) {
    return { version, props: 'all' };
  }
  const props: AddressDataProp[] = [];
  for (const child of children) {
    const name = isNamed(child, CARDDAV.prop) ? attributeOf(child, 'name')?.trim() : undefined;
    if (name) props.push({ name: name.toUpperCase(), novalue: attributeOf(child, 'novalue') === 'yes' });
  }
  return { version, props: props.length > 0 ? props : 'all' };
}

/** The `address-data` element inside a REPORT's `DAV:prop`, read, or null when not asked for. */
export function addressDataIn(report: Element): AddressDataRequest | null {
  for (const prop of childElements(report).filter((el) => isNamed(el, DAV.prop))) {
    const el = childElements(prop).find((child) => isNamed(child, CARDDAV.addressData));
    if (el) return readAddressData(el);
  }
  return null;
}

const serializer = new XMLSerializer();

/** The PROPPATCH instructions (RFC 4918 §9.2), in document order. */
export function readPropertyUpdate(root: Element | null): PropPatchOperation[] {
  if (root === null || !isNamed(root, DAV.propertyupdate)) {
    throw new DavXmlError('invalid', 'A PROPPATCH body must be a DAV:propertyupdate element');
  }
  const operations: PropPatchOperation[] = [];
  for (const instruction of childElements(root)) {
    const action = isNamed(instruction, DAV.set) ? 'set' : isNamed(instruction, DAV.remove) ? 'remove' : null;
    if (!action) continue;
    for (const prop of childElements(instruction).filter((el) => isNamed(el, DAV.prop))) {
      for (const property of childElements(prop)) {
        const xml = Array.from(property.childNodes, (node) => serializer.serializeToString(node)).join('');
        const text = action === 'set' ? textOf(property) : '';
        operations.push({ action, name: nameOf(property), text, xml: action === 'set' ? xml : '' });
      }
    }
  }
  if (operations.length === 0)
    throw new DavXmlError('invalid', 'A PROPPATCH body must set or remove a property');
  return operations;
}
