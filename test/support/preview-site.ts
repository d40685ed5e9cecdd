/**
 * A small web site on loopback for link preview tests: the homeserver (never the browser) fetches its pages
 * to preview them. `/article` has Open Graph tags and a picture; `/hostile/<id>` puts an XSS corpus payload
 * (test/corpora/xss/h5sc.json) in its title and description; `/slow` never answers; `/huge` points at a
 * picture of 20,000 × 20,000 pixels (a few kilobytes compressed); `/heavy` at one of 12 MB; `/plain` has no
 * Open Graph data and nothing to preview. Every request is logged, so a test can tell who asked for what.
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32, deflateSync } from 'node:zlib';

export interface PreviewSite {
  readonly origin: string;
  /** Paths requested so far, oldest first, with the requester's User-Agent. */
  log(): readonly { path: string; userAgent: string }[];
  close(): Promise<void>;
}

interface Payload {
  readonly id: number;
  readonly payload: string;
}

const corpus = JSON.parse(readFileSync(new URL('../corpora/xss/h5sc.json', import.meta.url), 'utf8')) as Payload[];

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG: `bitDepth` 8 with colour type 2 (RGB rows from `row`), or a 1-bit grey image of zeros. */
function png(width: number, height: number, row?: (y: number) => Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = row ? 8 : 1;
  header[9] = row ? 2 : 0;
  const stride = row ? width * 3 : Math.ceil(width / 8);
  const raw = Buffer.alloc((stride + 1) * height);
  if (row) for (let y = 0; y < height; y++) row(y).copy(raw, y * (stride + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A warm landscape: sky to sea gradient with a sun, 640 × 360. */
function picture(): Buffer {
  const width = 640;
  const height = 360;
  return png(width, height, (y) => {
    const line = Buffer.alloc(width * 3);
    for (let x = 0; x < width; x++) {
      const sun = (x - 460) ** 2 + (y - 140) ** 2 < 56 ** 2;
      const sea = y > 240;
      const t = y / height;
      const [r, g, b] = sun
        ? [255, 214, 102]
        : sea
          ? [30, 90 + (y - 240) / 2, 150 + (y - 240) / 2]
          : [240 - 60 * t, 140 + 40 * t, 90 + 120 * t];
      line[x * 3] = Math.round(r);
      line[x * 3 + 1] = Math.round(g);
      line[x * 3 + 2] = Math.round(b);
    }
    return line;
  });
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function page(og: Record<string, string>, body = '<p>Hello.</p>'): string {
  const metas = Object.entries(og)
    .map(([property, content]) => `<meta property="${property}" content="${escape(content)}">`)
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Page</title>\n${metas}\n</head><body>${body}</body></html>`;
}

export async function startPreviewSite(): Promise<PreviewSite> {
  const log: { path: string; userAgent: string }[] = [];
  const held = new Set<ServerResponse>();
  const sunset = picture();
  const huge = png(20_000, 20_000);
  const heavy = Buffer.concat([sunset, Buffer.alloc(12 * 1024 * 1024)]);
  let origin = '';
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    log.push({ path, userAgent: request.headers['user-agent'] ?? '' });
    const html = (text: string): void => {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      response.end(text);
    };
    const image = (bytes: Buffer): void => {
      response.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(bytes.length) });
      response.end(bytes);
    };
    const { pathname } = new URL(path, 'http://site.invalid');
    const hostile = /^\/hostile\/(\d+)$/u.exec(pathname);
    if (pathname === '/article') {
      html(
        page({
          'og:title': 'Tide tables for the summer',
          'og:description':
            'When the sea comes in and goes out along the coast this summer, with the best hours for a walk on the sand and the evenings when the water is highest.',
          'og:site_name': 'Coastal Weekly',
          'og:image': `${origin}/sunset.png`,
        }),
      );
    } else if (pathname === '/sunset.png') {
      image(sunset);
    } else if (hostile) {
      const entry = corpus.find((item) => item.id === Number(hostile[1]));
      html(
        page({ 'og:title': entry?.payload ?? '', 'og:description': `${entry?.payload ?? ''} <img src=x onerror="window.omniPwned=1">` }),
      );
    } else if (pathname === '/slow') {
      // Never answered: the response stays open until the site closes.
      held.add(response);
    } else if (pathname === '/huge') {
      html(
        page({ 'og:title': 'A very large picture', 'og:description': 'Twenty thousand pixels a side.', 'og:image': `${origin}/huge.png` }),
      );
    } else if (pathname === '/huge.png') {
      image(huge);
    } else if (pathname === '/heavy') {
      html(page({ 'og:title': 'A very heavy picture', 'og:description': 'Twelve megabytes.', 'og:image': `${origin}/heavy.png` }));
    } else if (pathname === '/heavy.png') {
      image(heavy);
    } else if (pathname === '/plain') {
      html('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  return {
    origin,
    log: () => [...log],
    close: async () => {
      for (const response of held) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
