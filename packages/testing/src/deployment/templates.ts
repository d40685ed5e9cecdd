/**
 * The deployment's configuration files live in docs/deploy/, where the deployment guide shows them; the harness
 * fills in their `${NAME}` values (the syntax of envsubst, which a deployment can use on the same files) and runs them, so the files a site copies are the files the tests ran.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../venv.ts';

export const DEPLOY_DIR = path.join(REPO_ROOT, 'docs', 'deploy');

/** Replaces every `${NAME}` (upper case: nginx's own `$host`-style variables stay); a placeholder without a value is an error, never left in a config. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\$\{([A-Z][A-Z_]*)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`omni: no value for \${${name}} in a deployment template`);
    return String(value);
  });
}

/** Writes docs/deploy/`name`, filled in, to `dir`; returns the written path. */
export async function writeFromTemplate(name: string, dir: string, values: Readonly<Record<string, string | number>>): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, fillTemplate(await readFile(path.join(DEPLOY_DIR, name), 'utf8'), values));
  return target;
}
