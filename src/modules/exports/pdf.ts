import PDFDocument from 'pdfkit';
import { formatDate, formatDateTime } from '../../platform/format.js';
import type { Plan } from '../itinerary/schemas.js';
import type { Trip, TripItem } from '../trips/schemas.js';

/** Characters the PDF standard fonts (WinAnsi) cannot draw beyond Latin-1. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const REPLACE: Record<string, string> = {
  '→': '->',
  '←': '<-',
  ı: 'i',
  İ: 'I',
  ş: 's',
  Ş: 'S',
  ğ: 'g',
  Ğ: 'G',
};

/**
 * The built-in fonts need no font files, so exports work anywhere; text outside their character
 * set is spelled out (→ as ->) or stripped of its accents rather than drawn as garbage.
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text) {
    if (REPLACE[ch] !== undefined) out += REPLACE[ch];
    else if ((ch.codePointAt(0) ?? 0) <= 0xff || WIN_ANSI_EXTRA.has(ch)) out += ch;
    else {
      const plain = ch.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
      out += [...plain].every((c) => (c.codePointAt(0) ?? 0) <= 0xff) ? plain : '?';
    }
  }
  return out;
}

const KIND_LABEL: Record<TripItem['kind'], string> = {
  car_booking: 'Car',
  stay_booking: 'Stay',
  flight_booking: 'Flight',
  activity: 'Activity',
  note: 'Note',
};

/** The trip as a printable document: summary, bookings, activities and notes, day plans. */
export function buildItineraryPdf(
  trip: Trip,
  items: TripItem[],
  plan: Plan | undefined,
  now: Date,
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: winAnsi(`${trip.name} - itinerary`), Author: 'Voyage', CreationDate: now },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const text = (s: string, opts?: PDFKit.Mixins.TextOptions) => doc.text(winAnsi(s), opts);
  const heading = (s: string) => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(14);
    text(s);
    doc.font('Helvetica').fontSize(10).moveDown(0.3);
  };

  doc.font('Helvetica-Bold').fontSize(22);
  text(trip.name);
  doc.font('Helvetica').fontSize(11);
  text(
    `${trip.destination} · ${formatDate(trip.startDate)} – ${formatDate(trip.endDate)} · ${trip.days} days`,
  );
  text(
    `${trip.travellers} traveller${trip.travellers === 1 ? '' : 's'} · status: ${trip.status} · times in local time`,
  );

  const bookings = items.filter((i) => i.kind.endsWith('_booking'));
  heading('Bookings');
  if (bookings.length === 0) text('No bookings yet.');
  for (const b of bookings) {
    doc.font('Helvetica-Bold');
    text(`${KIND_LABEL[b.kind]}: ${b.title}${b.status === 'cancelled' ? ' (cancelled)' : ''}`);
    doc.font('Helvetica');
    if (b.startsAt)
      text(
        `${formatDateTime(b.startsAt, b.timeZone)} (${b.timeZone})` +
          (b.endsAt
            ? ` – ${formatDateTime(b.endsAt, b.endTimeZone ?? b.timeZone)} (${b.endTimeZone ?? b.timeZone})`
            : ''),
      );
    if (b.reference) text(`Reference: ${b.reference}`);
    if (b.location) text(`Where: ${b.location.name}`);
    doc.moveDown(0.4);
  }

  const others = items.filter((i) => !i.kind.endsWith('_booking'));
  if (others.length) {
    heading('Activities and notes');
    for (const o of others) {
      const when = o.startsAt ? `${formatDateTime(o.startsAt, o.timeZone)}: ` : '';
      text(`${KIND_LABEL[o.kind]}: ${when}${o.title}`);
      if (o.body) text(o.body, { indent: 12 });
    }
  }

  heading('Day by day');
  if (!plan) text('No plan yet: ask Voyage to plan the trip.');
  for (const day of plan?.days ?? []) {
    doc.font('Helvetica-Bold');
    text(`${formatDate(day.date)} (from ${day.base.name}, ${day.window.start}–${day.window.end})`);
    doc.font('Helvetica');
    if (day.stops.length === 0) text('Free day.', { indent: 12 });
    for (const s of day.stops) {
      text(`${s.start}–${s.end} ${s.name} (${s.category}), ${s.travelMinutes} min travel before`, {
        indent: 12,
      });
    }
    text(`Travel this day: ${day.travelMinutes} min`, { indent: 12 });
    doc.moveDown(0.3);
  }

  doc.moveDown(1).fontSize(8).fillColor('#666666');
  text(`Made by Voyage on ${now.toISOString().slice(0, 10)}.`);
  doc.end();
  return done;
}
