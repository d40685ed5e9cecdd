/**
 * `cem analyze` (run by scripts/build-packages.ts, writes custom-elements.json): the manifest of the five public
 * elements. Each thing is declared once, where it lives, and put together here. The three chat elements:
 * - the shell's JSDoc (src/loader/elements.ts): its tag, what only the shell has (facade, launcher and panel parts,
 *   the loading attributes, the reserved height) and the events it fires itself;
 * - the view's JSDoc (src/components/<kind>/omni-<kind>.ts): slots, parts, states and events of what it renders;
 *   `<omni-chat>` and `<omni-dm>` also take every part of the room view (their timeline and composer are its);
 * - the attributes the shell hands to the view, from src/loader/attributes.ts (typed and described by the shell's
 *   property of that name).
 * The views themselves are internal and left out.
 * `<omni-count>` and `<omni-moderation-queue>` stand alone: each one's JSDoc (tag, attributes, parts, tokens, events)
 * is its whole entry, in the module that defines its class.
 */
import { chatAttributes, dmAttributes, roomAttributes } from './src/loader/attributes.ts';

const SHELLS = 'src/loader/elements.ts';
const elements = [
  { shell: 'OmniRoom', view: 'OmniRoomView', attributes: roomAttributes, shared: [] },
  { shell: 'OmniChat', view: 'OmniChatView', attributes: chatAttributes, shared: ['OmniRoomView'] },
  { shell: 'OmniDm', view: 'OmniDmView', attributes: dmAttributes, shared: ['OmniRoomView'] },
];
const standalone = [
  { name: 'OmniCount', module: 'src/loader/count-element.ts' },
  { name: 'OmniModerationQueue', module: 'src/components/moderation-queue/omni-moderation-queue.ts' },
];
const MERGED = ['slots', 'cssParts', 'cssProperties', 'cssStates', 'events'];
const SHARED = ['cssParts', 'cssProperties'];

/** The first declaration of each name wins: the shell's, then its view's, then the room view's. */
function mergeByName(lists) {
  const seen = new Map();
  for (const item of lists.flat()) if (item?.name && !seen.has(item.name)) seen.set(item.name, item);
  return [...seen.values()];
}

/** `token-url` → `tokenUrl`: the property Lit (and the loader) pair with an attribute. */
const propertyOf = (attribute) => attribute.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase());

/** A standalone element as its JSDoc declares it, without what the analyser guesses from its code. */
function standaloneElement(declaration) {
  // A public member is one its JSDoc describes (the analyser also lists, say, a shadow root's adoptedStyleSheets).
  const members = (declaration.members ?? []).filter(
    (member) => member.name && member.description && !member.static && !member.privacy && !member.name.startsWith('#'),
  );
  const attributes = (declaration.attributes ?? []).map((attribute) => {
    const member = members.find((m) => m.kind === 'field' && m.name === propertyOf(attribute.name));
    if (member) member.attribute = attribute.name;
    return member ? { ...attribute, fieldName: member.name, ...(member.type ? { type: member.type } : {}) } : attribute;
  });
  const events = (declaration.events ?? []).filter((event) => event.name);
  return { ...declaration, customElement: true, members, attributes, events };
}

/** The module of one element: its declaration and its two exports. */
const moduleOf = (path, declarations) => ({
  kind: 'javascript-module',
  path,
  declarations,
  exports: declarations.flatMap((element) => [
    { kind: 'js', name: element.name, declaration: { name: element.name, module: path } },
    { kind: 'custom-element-definition', name: element.tagName, declaration: { name: element.name, module: path } },
  ]),
});

function composeElements() {
  return {
    name: 'omni-compose-elements',
    packageLinkPhase({ customElementsManifest: manifest }) {
      const declarations = new Map(manifest.modules.flatMap((module) => module.declarations ?? []).map((d) => [d.name, d]));
      const composed = elements.map(({ shell, view, attributes, shared }) => {
        const own = declarations.get(shell);
        const sources = [own, declarations.get(view), ...shared.map((name) => declarations.get(name))];
        if (sources.some((source) => !source)) throw new Error(`custom-elements manifest: ${shell} or its view was not analysed`);
        const element = { ...own, customElement: true };
        for (const key of MERGED) {
          // From the room view, only what renders inside every view: its parts and the theme's tokens (not its height).
          const lists = sources.map((source, index) =>
            index < 2
              ? (source[key] ?? [])
              : SHARED.includes(key)
                ? (source[key] ?? []).filter((item) => item.name !== '--omni-room-height')
                : [],
          );
          const merged = mergeByName(lists);
          if (merged.length > 0) element[key] = merged;
        }
        const members = (own.members ?? []).filter((member) => member.kind === 'field' && !member.static);
        const forwarded = Object.entries(attributes).map(([property, { attribute, fallback }]) => {
          const member = members.find((m) => m.name === property);
          return {
            name: attribute,
            fieldName: property,
            type: { text: member?.type?.text ?? (typeof fallback === 'boolean' ? 'boolean' : 'string') },
            ...(typeof fallback === 'boolean' ? {} : { default: JSON.stringify(fallback) }),
            ...(member?.description ? { description: member.description } : {}),
          };
        });
        for (const member of members) {
          const declaration = Object.entries(attributes).find(([property]) => property === member.name);
          if (declaration) member.attribute = declaration[1].attribute;
        }
        element.members = (own.members ?? []).filter((member) => !member.static);
        element.attributes = mergeByName([forwarded, own.attributes ?? []]);
        return element;
      });
      const alone = standalone.map(({ name, module }) => {
        const declaration = declarations.get(name);
        if (!declaration?.tagName) throw new Error(`custom-elements manifest: ${name} was not analysed, or its JSDoc has no @tagname`);
        return moduleOf(module, [standaloneElement(declaration)]);
      });
      manifest.modules = [moduleOf(SHELLS, composed), ...alone];
    },
  };
}

export default {
  globs: [
    SHELLS,
    'src/components/room/omni-room.ts',
    'src/components/chat/omni-chat.ts',
    'src/components/dm/omni-dm.ts',
    ...standalone.map(({ module }) => module),
  ],
  outdir: '.',
  packagejson: false,
  plugins: [composeElements()],
};
