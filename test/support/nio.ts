/**
 * An independent Matrix client for interoperability tests: `test/interop/nio_peer.py` (matrix-nio
 * with libolm, Debian's `python3-matrix-nio` and `python3-olm`) driven over JSON lines. Each peer is
 * one Python process, killed by PID when closed or when this process exits.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NioAttachment, NioEvent, NioForwardedKey, NioMessage } from '@omnisocial/testing/browser';

export type { NioAttachment, NioEvent, NioForwardedKey, NioMessage };

const SCRIPT = fileURLToPath(new URL('../interop/nio_peer.py', import.meta.url));
const PYTHON = process.env['OMNI_NIO_PYTHON'] ?? '/usr/bin/python3';

/** The commands of nio_peer.py, their arguments and results. */
export interface NioCommands {
  login: { args: { homeserver: string; user: string; password: string; device: string }; result: { user_id: string; device_id: string } };
  join: { args: { room: string }; result: string };
  wait_member: { args: { room: string; user: string; timeout?: number }; result: boolean };
  trust: { args: { user: string; device?: string; timeout?: number }; result: number };
  send: { args: { room: string; body: string }; result: string };
  wait_message: { args: { room: string; body: string; timeout?: number }; result: NioMessage };
  send_event: { args: { room: string; type: string; content: Record<string, unknown> }; result: string };
  redact: { args: { room: string; event_id: string; reason?: string }; result: string };
  wait_event: { args: { room: string; where: Record<string, unknown>; timeout?: number }; result: NioEvent };
  read_attachment: { args: { room: string; filename: string; timeout?: number }; result: NioAttachment };
  send_image: { args: { room: string; name: string; data: string; mimetype: string; width: number; height: number }; result: string };
  forward_key: {
    args: { room: string; event_id: string; user: string; device: string; timeout?: number };
    result: NioForwardedKey;
  };
}

export type NioCommand = keyof NioCommands;

interface Answer {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
});

export class NioPeer {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #next = 1;
  #stderr = '';
  readonly #exited: Promise<void>;

  constructor() {
    const child = spawn(PYTHON, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    live.add(child);
    child.stderr.on('data', (chunk: Buffer) => {
      // Keep the tail for error messages; nio is chatty about keys.
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let answer: Answer;
      try {
        answer = JSON.parse(line) as Answer;
      } catch {
        return;
      }
      const waiter = this.#pending.get(answer.id);
      if (!waiter) return;
      this.#pending.delete(answer.id);
      if (answer.ok) waiter.resolve(answer.result);
      else waiter.reject(new Error(`nio: ${answer.error ?? 'failed'}`));
    });
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        live.delete(child);
        for (const waiter of this.#pending.values()) {
          waiter.reject(new Error(`nio peer exited (${String(code)}): ${this.#stderr.trim().split('\n').slice(-3).join(' | ')}`));
        }
        this.#pending.clear();
        resolve();
      });
    });
  }

  call<C extends NioCommand>(cmd: C, args: NioCommands[C]['args']): Promise<NioCommands[C]['result']> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#child.stdin.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
    });
  }

  /** Asks the script to leave (it deletes its store), then kills it by PID if it lingers. */
  async close(): Promise<void> {
    if (this.#child.exitCode === null) {
      this.#child.stdin.write(`${JSON.stringify({ id: 0, cmd: 'exit' })}\n`);
      const timer = setTimeout(() => {
        if (this.#child.pid !== undefined && this.#child.exitCode === null) process.kill(this.#child.pid, 'SIGKILL');
      }, 3000);
      await this.#exited;
      clearTimeout(timer);
    }
  }
}
