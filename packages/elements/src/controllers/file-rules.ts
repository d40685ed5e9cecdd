import { msg, str } from '@lit/localize';
import { checkFileRules, parseSize, type FileRules } from '@omnisocial/core';

/** A view's file attributes (`accept-files`, `guest-accept-files`, `max-file-size`), as its properties. */
export interface FileRuleProperties {
  readonly acceptFiles: string;
  readonly guestAcceptFiles?: string;
  readonly maxFileSize: string;
}

/** The rules that apply to this member: a guest's own list where the site set one. */
export function fileRulesFor(properties: FileRuleProperties, guest: boolean): FileRules {
  const guestList = properties.guestAcceptFiles?.trim();
  const accept = guest && guestList ? guestList : properties.acceptFiles.trim();
  const maxBytes = parseSize(properties.maxFileSize);
  return { ...(accept ? { accept } : {}), ...(maxBytes !== undefined ? { maxBytes } : {}) };
}

/**
 * The site's rules, then the homeserver's checks (empty, unreadable, its size limit), each refusal naming the
 * file; a guest refused by a list members are not held to is told an account can send it.
 */
export async function checkWithRules(
  file: File,
  properties: FileRuleProperties,
  guest: boolean,
  server: (file: File) => Promise<void>,
): Promise<void> {
  try {
    await checkFileRules(file, fileRulesFor(properties, guest));
  } catch (error) {
    const member = guest ? fileRulesFor(properties, false) : undefined;
    const allowedToMembers =
      member !== undefined &&
      (await checkFileRules(file, member).then(
        () => true,
        () => false,
      ));
    if (allowedToMembers && error instanceof Error) throw new Error(msg(str`${error.message} Sign in with an account to send it.`));
    throw error;
  }
  await server(file);
}
