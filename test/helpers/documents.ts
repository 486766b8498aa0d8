import { createRequire } from 'node:module';
import path from 'node:path';
import ICAL from 'ical.js';

const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(require.resolve('pdfjs-dist/package.json'));

/** The text of every page of a PDF, a line per text run that ends one, pages joined. */
export async function pdfText(pdf: Buffer | Uint8Array): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl: `${PDFJS_DIR}/standard_fonts/`,
    verbosity: 0,
  }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(
      content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join(''),
    );
  }
  await doc.destroy();
  return pages.join('\n');
}

export interface ParsedEvent {
  uid: string;
  summary: string;
  status: string | null;
  sequence: number;
  /** The TZID the start is written in, or null for UTC/floating/all-day. */
  tzid: string | null;
  /** The wall-clock start as written, e.g. 2027-05-01T15:00:00. */
  localStart: string;
  start: Date;
  end: Date;
  allDay: boolean;
  location: string | null;
  description: string | null;
}

/** Parses an iCalendar text with ical.js, resolving times through its own VTIMEZONEs. */
export function parseCalendar(text: string): {
  name: string | null;
  timezones: string[];
  events: ParsedEvent[];
} {
  const cal = new ICAL.Component(ICAL.parse(text));
  const timezones = cal.getAllSubcomponents('vtimezone').map((tz) => {
    const zone = new ICAL.Timezone(tz);
    ICAL.TimezoneService.register(zone);
    return String(tz.getFirstPropertyValue('tzid'));
  });
  const events = cal.getAllSubcomponents('vevent').map((ve) => {
    const e = new ICAL.Event(ve);
    const dtstart = ve.getFirstProperty('dtstart')!;
    return {
      uid: e.uid,
      summary: e.summary,
      status: (ve.getFirstPropertyValue('status') as string | null) ?? null,
      sequence: e.sequence ?? 0,
      tzid: (dtstart.getParameter('tzid') as string | undefined) ?? null,
      localStart: e.startDate.toString(),
      start: e.startDate.toJSDate(),
      end: e.endDate.toJSDate(),
      allDay: e.startDate.isDate,
      description: e.description ?? null,
      location: e.location ?? null,
    };
  });
  return { name: (cal.getFirstPropertyValue('x-wr-calname') as string | null) ?? null, timezones, events };
}
