/**
 * A web address as a person reads it in a header: `https://example.org/posts/a%2Fb?utm_source=x` →
 * `example.org/posts/a/b`. Text only (it is rendered as text, never as HTML), and never a way to
 * disguise where an address leads: the host is the one the browser would open, look-alike
 * international names keep their `xn--` form, and characters that could reorder or hide text stay
 * percent-encoded.
 */

/** Past this many characters the middle of the address gives way to an ellipsis. */
export const DISPLAY_URL_MAX = 48;

/** Query parameters that only tell a site where a visitor came from: `utm_*`, the ad networks' click ids. */
const TRACKING = /^(?:utm(?:_.*)?|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|mkt_tok)$/iu;

// Bidi controls, zero-width and other invisible format characters, controls, separators other than the
// plain space, and replacement/private-use characters: shown encoded, so nothing is hidden or reordered.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cs}\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000\uFFFD]/u;

/**
 * The address shown for `value`: no scheme, no `user:password@`, decoded, tracking parameters and a
 * trailing slash dropped, at most `max` characters (an ellipsis in the middle). Anything that is not
 * an http(s) address is shown as cleaned-up text. Never throws.
 */
export function displayUrl(value: string | undefined, max: number = DISPLAY_URL_MAX): string {
  const raw = (value ?? '').trim();
  if (raw === '') return '';
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return shorten(cleanText(raw), max);
  const host = displayHost(url.hostname) + (url.port ? `:${url.port}` : '');
  let path = decodeText(url.pathname);
  const kept = [...url.searchParams].filter(([name]) => !TRACKING.test(name));
  const query =
    kept.length === 0 ? '' : `?${kept.map(([name, v]) => (v === '' ? keepSafe(name) : `${keepSafe(name)}=${keepSafe(v)}`)).join('&')}`;
  const fragment = url.hash.length > 1 ? `#${decodeText(url.hash.slice(1))}` : '';
  if (query === '' && fragment === '') path = path.replace(/\/+$/u, '');
  return shorten(host + path + query + fragment, max);
}

/** Percent-escapes decoded where they make readable, safe characters; malformed ones are kept as they are. */
function decodeText(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/gu, (run) => {
    const bytes = run.split('%').slice(1);
    let out = '';
    let i = 0;
    while (i < bytes.length) {
      // One UTF-8 sequence at a time, so one bad byte leaves only itself encoded.
      const lead = parseInt(bytes[i] ?? '', 16);
      const length = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
      const sequence = bytes
        .slice(i, i + length)
        .map((b) => `%${b}`)
        .join('');
      let decoded: string | undefined;
      try {
        decoded = decodeURIComponent(sequence);
      } catch {
        decoded = undefined;
      }
      if (decoded === undefined || UNSAFE.test(decoded)) {
        out += `%${bytes[i] ?? ''}`;
        i += 1;
      } else {
        out += decoded;
        i += length;
      }
    }
    return out;
  });
}

/** A decoded query name or value: unsafe characters encoded again. */
function keepSafe(text: string): string {
  return Array.from(text, (c) => (UNSAFE.test(c) ? encodeURIComponent(c) : c)).join('');
}

/** Text that is not an address: invisible and reordering characters dropped, runs of spaces made one. */
function cleanText(text: string): string {
  return Array.from(text, (c) => (UNSAFE.test(c) ? ' ' : c))
    .join('')
    .replace(/\s+/gu, ' ')
    .trim();
}

function shorten(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max || max < 3) return text;
  const head = Math.ceil((max - 1) / 2);
  const tail = max - 1 - head;
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - tail).join('')}`;
}

// ---------------------------------------------------------------------------------------------
// International host names

/**
 * Scripts whose letters are not mistaken for Latin ones: a name all in one of them (digits and hyphens
 * aside) is shown in its own letters. Cyrillic, Greek, Armenian, Cherokee… hold Latin look-alikes
 * (`аррӏе` is not `apple`), and mixed scripts are the classic disguise: those keep their `xn--` form,
 * as browsers do for suspicious names.
 */
const DISTINCT_SCRIPTS = [
  /^[\p{Script=Latin}\d-]+$/u,
  /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u30FC\d-]+$/u,
  /^[\p{Script=Hangul}\p{Script=Han}\d-]+$/u,
  /^[\p{Script=Arabic}\d-]+$/u,
  /^[\p{Script=Hebrew}\d-]+$/u,
  /^[\p{Script=Thai}\d-]+$/u,
  /^[\p{Script=Devanagari}\d-]+$/u,
  /^[\p{Script=Bengali}\d-]+$/u,
  /^[\p{Script=Tamil}\d-]+$/u,
];
/** Latin letters that are other letters' look-alikes on their own (dotless i, long s, Latin alpha…). */
const LATIN_LOOKALIKES = /[\u0131\u017F\u0251\u0261\u0269\u028B\u1D00-\u1D2B\uA730-\uA7FF\u0250-\u02AF]/u;

function displayHost(hostname: string): string {
  const labels = hostname.toLowerCase().split('.');
  const decoded = labels.map((label) => (label.startsWith('xn--') ? punycodeDecode(label.slice(4)) : label));
  if (decoded.some((label) => label === undefined)) return hostname;
  const shown = decoded as string[];
  const safe = shown.every(
    (label, i) =>
      label === labels[i] ||
      (label.normalize('NFC') === label &&
        !LATIN_LOOKALIKES.test(label) &&
        !UNSAFE.test(label) &&
        DISTINCT_SCRIPTS.some((script) => script.test(label))),
  );
  return safe ? shown.join('.') : hostname;
}

/** RFC 3492 decoding of one label without its `xn--` prefix; undefined when it is not valid Punycode. */
function punycodeDecode(input: string): string | undefined {
  const base = 36;
  const tMin = 1;
  const tMax = 26;
  const skew = 38;
  const damp = 700;
  const adapt = (delta: number, points: number, first: boolean): number => {
    let d = first ? Math.floor(delta / damp) : delta >> 1;
    d += Math.floor(d / points);
    let k = 0;
    while (d > ((base - tMin) * tMax) >> 1) {
      d = Math.floor(d / (base - tMin));
      k += base;
    }
    return k + Math.floor(((base - tMin + 1) * d) / (d + skew));
  };
  const digit = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 22 : c >= 0x61 && c <= 0x7a ? c - 0x61 : base);
  const end = input.lastIndexOf('-');
  const output: number[] = [];
  for (let j = 0; j < Math.max(end, 0); j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return undefined;
    output.push(c);
  }
  let n = 128;
  let bias = 72;
  let i = 0;
  for (let at = end > 0 ? end + 1 : 0; at < input.length;) {
    const oldI = i;
    let w = 1;
    for (let k = base; ; k += base) {
      if (at >= input.length) return undefined;
      const d = digit(input.charCodeAt(at++));
      if (d >= base) return undefined;
      i += d * w;
      if (i > 0x10ffff * (output.length + 1)) return undefined;
      const t = k <= bias ? tMin : k >= bias + tMax ? tMax : k - bias;
      if (d < t) break;
      w *= base - t;
    }
    bias = adapt(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return undefined;
    output.splice(i, 0, n);
    i += 1;
  }
  return output.length === 0 ? undefined : String.fromCodePoint(...output);
}
