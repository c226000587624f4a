import { CARDDAV, type QName } from './names.js';

/**
 * Why a DAV request body was refused. The adapter answers with `status`, and with a `DAV:error`
 * body naming `precondition` when there is one (RFC 4918 §16).
 */
export type DavXmlErrorReason =
  | 'too-large'
  | 'forbidden-dtd'
  | 'unsupported-charset'
  | 'malformed'
  | 'invalid'
  | 'unsupported-collation'
  | 'unsupported-address-data';

const REASONS: Record<DavXmlErrorReason, { status: 400 | 403 | 413 | 415; precondition?: QName }> = {
  'too-large': { status: 413 },
  // A DTD is never needed by a DAV body and is how entity bombs and external entities arrive.
  'forbidden-dtd': { status: 400 },
  'unsupported-charset': { status: 415 },
  malformed: { status: 400 },
  invalid: { status: 400 },
  'unsupported-collation': { status: 403, precondition: CARDDAV.supportedCollation },
  'unsupported-address-data': { status: 403, precondition: CARDDAV.supportedAddressDataCondition },
};

/**
 * A request body the DAV layer will not act on. The message is written for the client: it never
 * carries parser internals, a stack or a path.
 */
export class DavXmlError extends Error {
  readonly status: 400 | 403 | 413 | 415;
  readonly precondition: QName | undefined;

  constructor(
    readonly reason: DavXmlErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'DavXmlError';
    this.status = REASONS[reason].status;
    this.precondition = REASONS[reason].precondition;
  }
}
