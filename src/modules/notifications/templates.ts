import {
  escapeHtml,
  formatDate,
  formatDateTime,
  formatMoney,
  shortReference,
} from '../../platform/format.js';
import type { DomainEvent } from './events.js';

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}

interface Section {
  greeting: string;
  intro: string;
  rows: [string, string][];
  link?: { label: string; url: string };
}

const KIND_LABEL = { car: 'car rental', stay: 'stay', flight: 'flight' } as const;
/** Cars and stays get a short reference from their id (flights carry the airline's). */
const REFERENCE_PREFIX = { car: 'CAR', stay: 'STAY', flight: 'FLT' } as const;
/** The web app's booking pages: `${PUBLIC_URL}/bookings/<kind>/<id>`. */
const BOOKING_PATH = { car: 'cars', stay: 'stays', flight: 'flights' } as const;

function section(
  event: DomainEvent,
  name: string,
  publicUrl: string | undefined,
): Section & { subject: string } {
  const greeting = `Hello ${name},`;
  switch (event.type) {
    case 'booking.confirmed':
    case 'booking.cancelled': {
      const p = event.payload;
      const confirmed = event.type === 'booking.confirmed';
      const rows: [string, string][] = [
        ['What', p.title],
        ['From', `${formatDateTime(p.start, p.timeZone)} (${p.timeZone})`],
        ['Until', `${formatDateTime(p.end, p.endTimeZone ?? p.timeZone)} (${p.endTimeZone ?? p.timeZone})`],
        [confirmed ? 'Total' : 'Amount', formatMoney(p.totalAmount, p.currency)],
      ];
      rows.push(['Reference', p.reference ?? `${REFERENCE_PREFIX[p.kind]}-${shortReference(p.bookingId)}`]);
      return {
        subject: `${confirmed ? 'Confirmed' : 'Cancelled'}: ${p.title}`,
        greeting,
        intro: confirmed
          ? `Your ${KIND_LABEL[p.kind]} is confirmed.`
          : `Your ${KIND_LABEL[p.kind]} has been cancelled.`,
        rows,
        ...(publicUrl && {
          link: {
            label: 'See the booking',
            url: `${publicUrl}/bookings/${BOOKING_PATH[p.kind]}/${p.bookingId}`,
          },
        }),
      };
    }
    case 'trip.shared': {
      const p = event.payload;
      return {
        subject: `${p.invitedBy} shared the trip "${p.tripName}" with you`,
        greeting,
        intro: `${p.invitedBy} invited you to the trip "${p.tripName}" as ${p.role === 'editor' ? 'an editor' : 'a viewer'}.`,
        rows: [
          ['Destination', p.destination],
          ['Dates', `${formatDate(p.startDate)} – ${formatDate(p.endDate)}`],
        ],
        ...(publicUrl && { link: { label: 'Open the trip', url: `${publicUrl}/trips/${p.tripId}` } }),
      };
    }
    case 'account.password_reset': {
      const p = event.payload;
      const url = publicUrl && `${publicUrl}/reset-password?token=${encodeURIComponent(p.token)}`;
      return {
        subject: 'Reset your Voyage password',
        greeting,
        intro:
          'Someone asked to reset the password of your Voyage account. If it was you, use this code ' +
          'once before it expires; if not, ignore this email and your password stays as it is.',
        rows: [
          ['Reset code', p.token],
          ['Expires', `${formatDateTime(p.expiresAt, 'UTC')} (UTC)`],
        ],
        ...(url && { link: { label: 'Choose a new password', url } }),
      };
    }
    case 'account.verify_email': {
      const p = event.payload;
      const url = publicUrl && `${publicUrl}/verify-email?token=${encodeURIComponent(p.token)}`;
      return {
        subject: 'Confirm your email address for Voyage',
        greeting,
        intro: 'Confirm this address to receive trips shared with it.',
        rows: [
          ['Confirmation code', p.token],
          ['Expires', `${formatDateTime(p.expiresAt, 'UTC')} (UTC)`],
        ],
        ...(url && { link: { label: 'Confirm my address', url } }),
      };
    }
    case 'plan.ready': {
      const p = event.payload;
      return {
        subject: `Your itinerary for "${p.tripName}" is ready`,
        greeting,
        intro: `A day-by-day plan for "${p.tripName}" is ready: ${p.stops} stops over ${p.days} days.`,
        rows: [['Planned by', p.source === 'llm' ? 'the AI planner, checked by Voyage' : 'Voyage planner']],
        ...(publicUrl && { link: { label: 'See the plan', url: `${publicUrl}/trips/${p.tripId}/plan` } }),
      };
    }
  }
}

/** The text and HTML bodies of an event's email. */
export function renderMessage(event: DomainEvent, name: string, publicUrl?: string): RenderedMessage {
  const s = section(event, name, publicUrl);
  const width = Math.max(...s.rows.map(([k]) => k.length));
  const text = [
    s.greeting,
    '',
    s.intro,
    '',
    ...s.rows.map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v}`),
    ...(s.link ? ['', `${s.link.label}: ${s.link.url}`] : []),
    '',
    '— Voyage',
    '',
  ].join('\n');
  const html = [
    '<!doctype html>',
    `<html><head><meta charset="utf-8"><title>${escapeHtml(s.subject)}</title></head>`,
    '<body style="font-family: sans-serif; color: #1a1a1a">',
    `<p>${escapeHtml(s.greeting)}</p>`,
    `<p>${escapeHtml(s.intro)}</p>`,
    '<table cellpadding="4">',
    ...s.rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`),
    '</table>',
    ...(s.link ? [`<p><a href="${escapeHtml(s.link.url)}">${escapeHtml(s.link.label)}</a></p>`] : []),
    '<p>— Voyage</p>',
    '</body></html>',
  ].join('\n');
  return { subject: s.subject, text, html };
}
