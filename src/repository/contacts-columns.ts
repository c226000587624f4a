import type { ContactRow } from '../database/schema/index.js';
import { contacts } from '../database/schema/index.js';

export interface Page {
  skip: number;
  limit: number;
}

/** A list page: by offset, or after a cursor (the last id of the previous page; keyset paging). */
export interface ListPage extends Page {
  afterId?: number | undefined;
}

export interface PageOf<T> {
  rows: T[];
  /** Rows matching before skip/limit. */
  total: number;
}

/** Everything but the owner and the derived search_text: what a contact's reader gets back. */
export const publicColumns = {
  id: contacts.id,
  firstName: contacts.firstName,
  lastName: contacts.lastName,
  email: contacts.email,
  phone: contacts.phone,
  birthday: contacts.birthday,
  additionalInfo: contacts.additionalInfo,
  createdAt: contacts.createdAt,
  updatedAt: contacts.updatedAt,
};

/** A contact as read back for its owner. */
export type ContactRecord = Omit<ContactRow, 'searchText' | 'userId' | 'birthdayMonthDay'>;
