/**
 * Reads what a test homeserver stored, straight from its SQLite database (`<configDir>/homeserver.db`),
 * to check that encrypted rooms never reach the server in the clear.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PYTHON = process.env['OMNI_NIO_PYTHON'] ?? '/usr/bin/python3';

export interface StoredEvent {
  type: string;
  /** The event as Synapse stored it (`event_json.json`). */
  json: string;
}

const QUERY = `
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
rows = db.execute(
    "SELECT e.type, j.json FROM events e JOIN event_json j ON j.event_id = e.event_id"
    " WHERE e.room_id = ? AND e.state_key IS NULL ORDER BY e.stream_ordering",
    (sys.argv[2],),
).fetchall()
print(json.dumps([{"type": t, "json": j} for t, j in rows]))
`;

/** The room's non-state events as stored by Synapse, oldest first. */
export async function storedRoomEvents(configDir: string, roomId: string): Promise<StoredEvent[]> {
  const { stdout } = await run(PYTHON, ['-c', QUERY, path.join(configDir, 'homeserver.db'), roomId]);
  return JSON.parse(stdout) as StoredEvent[];
}

/** Whether any of the database's files (main file, WAL, journal) contains `text` as raw bytes. */
export async function databaseContains(configDir: string, text: string): Promise<boolean> {
  const needle = Buffer.from(text, 'utf8');
  for (const suffix of ['', '-wal', '-journal']) {
    const bytes = await readFile(path.join(configDir, `homeserver.db${suffix}`)).catch(() => undefined);
    if (bytes?.includes(needle)) return true;
  }
  return false;
}
