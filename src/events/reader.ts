/**
 * The read handle src/events gives every other folder instead of a SQLite connection. Queries are
 * functions in this folder taking a handle (read.ts, queries.ts), so SQL never leaks out of it
 * (test/events/sql-boundary.test.ts checks) and a PostgreSQL backend can answer the same calls.
 */
import type { Database } from "bun:sqlite";

export class EventReader {
  protected constructor(private readonly conn: Database) {}

  /** For src/events only: a handle on a connection this folder opened and keeps owning. */
  static over(db: Database): EventReader {
    return new EventReader(db);
  }

  /** For src/events only: the connection behind a handle, for the query functions. */
  static sqlite(r: EventReader): Database {
    return r.conn;
  }
}

/** A handle that owns its read-only connection (openReadonly): the caller closes it. */
export class OwnedReader extends EventReader {
  private constructor(private readonly owned: Database) {
    super(owned);
  }

  static own(db: Database): OwnedReader {
    return new OwnedReader(db);
  }

  close(): void {
    this.owned.close();
  }
}
