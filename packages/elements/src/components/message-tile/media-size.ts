/** File sizes as people read them, for attachments in the timeline. */
const sizeUnits = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
const sizeFormats = sizeUnits.map(
  (unit) => new Intl.NumberFormat(undefined, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: unit === 'byte' ? 0 : 1 }),
);

/** "820 byte", "12.4 kB", "3.1 MB": decimal units, as file managers show them. */
export function humanSize(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < sizeUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return sizeFormats[unit]?.format(value) ?? `${bytes} B`;
}
