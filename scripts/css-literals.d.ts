/**
 * Minifies the CSS of Lit's `css` tagged templates in the build: the views' style sheets are written with comments
 * and indentation for their readers (83 KB of comments in the views chunk), which every page would otherwise
 * download, parse and keep as source text in its heap. Only the template's literal parts change: comments go,
 * runs of white space become one space, and the space around `{`, `}`, `;` and `,` goes. Quoted strings are kept as
 * they are. A template this cannot read with certainty (a comment or string that runs into a `${…}`, a back-tick
 * inside an expression) is left whole.
 */
/** The literal part of a template between two expressions (or its ends), minified. Undefined: leave it. */
export declare function minifyCssPart(part: string): string | undefined;
/**
 * Minifies every `css\`…\`` template of a module's source; the source as it was when there is none. Expressions
 * (`${…}`) are copied as they are.
 */
export declare function minifyCssLiterals(source: string): string;
/** The template starting at `at` (after its back-tick): its literal parts, its expressions, and where it ends (after the closing back-tick). */
export declare function readTemplate(source: string, at: number): {
    parts: string[];
    expressions: string[];
    end: number;
} | undefined;
