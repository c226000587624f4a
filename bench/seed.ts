import pg from 'pg';
import { openDatabase } from '../src/database/client.js';
import { hashPassword } from '../src/lib/password.js';
import { contactsFor, type SeedContact } from './seed-data.js';
import type { Settings } from './settings.js';

export interface SeededUser {
  id: number;
  username: string;
  contacts: number;
}

export interface Seeded {
  big: SeededUser;
  /** The users of the growth table, smallest book first (the big user last). */
  growth: SeededUser[];
  users: SeededUser[];
  contacts: number;
  seconds: number;
}

/**
 * Drops and recreates the bench database (or another one on the same server), then applies the
 * service's migrations with its own migrator.
 */
export async function recreateDatabase(
  settings: Settings,
  target: { name: string; url: string } = { name: settings.benchDbName, url: settings.benchUrl },
): Promise<void> {
  const admin = new pg.Client({ connectionString: settings.adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${target.name}" with (force)`);
    await admin.query(`create database "${target.name}"`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ url: target.url });
  try {
    await database.migrate();
  } finally {
    await database.close();
  }
}

/** Multi-row insert from arrays (one statement per 10 000 rows), straight into PostgreSQL. */
async function insertContacts(client: pg.ClientBase, userId: number, rows: SeedContact[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 10_000) {
    const batch = rows.slice(start, start + 10_000);
    await client.query(
      `insert into contacts (user_id, first_name, last_name, email, phone, birthday, search_text)
       select $1, * from unnest($2::varchar[], $3::varchar[], $4::citext[], $5::varchar[], $6::date[], $7::text[])`,
      [
        userId,
        batch.map((r) => r.firstName),
        batch.map((r) => r.lastName),
        batch.map((r) => r.email),
        batch.map((r) => r.phone),
        batch.map((r) => r.birthday),
        batch.map((r) => r.searchText),
      ],
    );
  }
}

/**
 * Seeds the bench database: `settings.users` verified users sharing one password (hashed once at the
 * configured rounds), the first three with 100 000 / 10 000 / 1 000 contacts, the rest with a few each.
 */
export async function seed(settings: Settings): Promise<Seeded> {
  const started = performance.now();
  const passwordHash = await hashPassword(settings.password, settings.passwordRounds);
  const client = new pg.Client({ connectionString: settings.benchUrl });
  await client.connect();
  try {
    const usernames = Array.from(
      { length: settings.users },
      (_, i) => `bench${String(i + 1).padStart(4, '0')}`,
    );
    const { rows } = await client.query<{ id: number; username: string }>(
      `insert into users (username, email, full_name, password_hash, is_verified)
       select u, u || '@bench.example', 'Bench ' || u, $2, true from unnest($1::text[]) as u
       returning id, username`,
      [usernames, passwordHash],
    );
    const ids = new Map(rows.map((row) => [row.username, row.id]));
    const sizes = [settings.bigBook, 10_000, 1000];
    const users: SeededUser[] = usernames.map((username, i) => ({
      id: ids.get(username)!,
      username,
      contacts: sizes[i] ?? settings.otherBook,
    }));
    let total = 0;
    for (const [i, user] of users.entries()) {
      if (user.contacts === 0) continue;
      await insertContacts(client, user.id, contactsFor(user.contacts, i + 1));
      total += user.contacts;
    }
    // As autovacuum would soon after a bulk load: statistics, and the visibility map that lets
    // index-only scans skip the heap.
    await client.query('vacuum analyze');
    const [big, mid, small] = users as [SeededUser, SeededUser, SeededUser];
    return {
      big,
      growth: [small, mid, big],
      users,
      contacts: total,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await client.end();
  }
}
