import { splitMulti } from './values.js';

/** A CSV header, indexed once per file: column positions by name (case-insensitive) and numbered groups. */
export class CsvHeader {
  readonly names: string[];
  private readonly positions = new Map<string, number[]>();
  private readonly asked = new Map<string, number[]>();
  /** Numbered column groups (`E-mail 2 - Value`): kind (lower case) → group numbers, ascending. */
  readonly groups = new Map<string, number[]>();
  /** The kinds of numbered groups as the header spells them (`Custom Field`), by lower-case kind. */
  readonly kindNames = new Map<string, string>();

  constructor(names: string[]) {
    this.names = names.map((name) => name.trim());
    this.names.forEach((name, i) => {
      const key = name.toLowerCase();
      this.positions.set(key, [...(this.positions.get(key) ?? []), i]);
      const m = /^(.+?) (\d+) - (.+)$/.exec(name);
      if (!m) return;
      const kind = m[1]!.toLowerCase();
      if (!this.kindNames.has(kind)) this.kindNames.set(kind, m[1]!);
      const numbers = this.groups.get(kind) ?? [];
      if (!numbers.includes(Number(m[2]))) numbers.push(Number(m[2]));
      this.groups.set(
        kind,
        numbers.sort((a, b) => a - b),
      );
    });
  }

  /** Whether the header has this column (case-insensitive). */
  has(name: string): boolean {
    return this.positions.has(name.toLowerCase());
  }

  /** The positions of a column (several when a header repeats a name). */
  positionsOf(name: string): number[] {
    // Every row asks for the same ~100 names: remember them as asked, to lower-case each once per file.
    let found = this.asked.get(name);
    if (found === undefined) {
      found = this.positions.get(name.toLowerCase()) ?? [];
      this.asked.set(name, found);
    }
    return found;
  }
}

/**
 * One data row read against its header. Every cell a mapper reads is marked used, so that what no mapper
 * read can be kept (`unused`) rather than silently dropped.
 */
export class CsvRow {
  private readonly used = new Set<number>();

  constructor(
    readonly header: CsvHeader,
    private readonly cells: string[],
  ) {}

  /** The trimmed cell of a column ('' when absent or empty), line ends as LF; marks the column read. */
  get(name: string): string {
    let value = '';
    for (const i of this.header.positionsOf(name)) {
      this.used.add(i);
      const cell = (this.cells[i] ?? '').trim();
      if (value === '' && cell !== '') value = cell.replace(/\r\n?/g, '\n');
    }
    return value;
  }

  /** The cell of a column as null when empty. */
  text(name: string): string | null {
    const value = this.get(name);
    return value === '' ? null : value;
  }

  /** Marks columns read without using them (derived columns such as Outlook's `Initials`). */
  skip(...names: string[]): void {
    for (const name of names) this.get(name);
  }

  /** Non-empty cells no mapper read, in header order, as [column name, value]. */
  unused(): [string, string][] {
    const rest: [string, string][] = [];
    this.header.names.forEach((name, i) => {
      const cell = (this.cells[i] ?? '').trim();
      if (!this.used.has(i) && cell !== '') rest.push([name, cell]);
    });
    return rest;
  }

  /** Whether every cell is blank (a spreadsheet's empty line of commas). */
  isBlank(): boolean {
    return this.cells.every((cell) => cell.trim() === '');
  }
}

/** One entry of a numbered group: its label cell (with any `*`) and its other parts by part name. */
export interface GroupEntry {
  label: string;
  parts: Record<string, string>;
}

/**
 * The entries of Google's numbered groups of one kind (`Phone 1 - Label`, `Phone 1 - Value`, `Phone 2 - …`):
 * a group whose cells hold ` ::: ` lists is several entries. The label cell applies to every entry, unless it
 * is a list as long as the values (as this module writes its last, overflowing group): then entry by entry.
 */
export function readGroups(row: CsvRow, kind: string, parts: string[]): GroupEntry[] {
  const entries: GroupEntry[] = [];
  for (const n of row.header.groups.get(kind.toLowerCase()) ?? []) {
    const prefix = `${kind} ${n} - `;
    // The current layout names the label `Label`, the legacy one `Type`.
    const labels = splitMulti(row.get(`${prefix}Label`) || row.get(`${prefix}Type`));
    const columns = parts.map((part) => splitMulti(row.get(prefix + part)));
    const count = Math.max(0, ...columns.map((values) => values.length));
    for (let i = 0; i < count; i += 1) {
      const entry: GroupEntry = {
        label: (labels.length === count ? labels[i] : labels[0]) ?? '',
        parts: {},
      };
      parts.forEach((part, p) => {
        entry.parts[part] = columns[p]![i] ?? '';
      });
      entries.push(entry);
    }
  }
  return entries;
}
