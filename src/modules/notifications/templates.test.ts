import { describe, expect, it } from 'vitest';
import { renderMessage } from './templates.js';

describe('email templates', () => {
  it('renders a trip invitation in text and HTML, escaping what people typed', () => {
    const m = renderMessage(
      {
        type: 'trip.shared',
        aggregateId: '6f1d3c1e-8d2a-4a57-9a3c-2b1f0e9d7c11',
        recipient: { email: 'friend@example.com' },
        payload: {
          tripId: '6f1d3c1e-8d2a-4a57-9a3c-2b1f0e9d7c11',
          tripName: 'Rome <3 & pasta',
          destination: 'Rome',
          startDate: '2027-05-01',
          endDate: '2027-05-04',
          role: 'editor',
          invitedBy: 'Alice',
        },
      },
      'there',
      'https://voyage.example',
    );
    expect(m.subject).toBe('Alice shared the trip "Rome <3 & pasta" with you');
    expect(m.text).toContain('Alice invited you to the trip "Rome <3 & pasta" as an editor.');
    expect(m.text).toContain('Dates:       Sat, 1 May 2027 – Tue, 4 May 2027');
    expect(m.text).toContain(
      'Open the trip: https://voyage.example/trips/6f1d3c1e-8d2a-4a57-9a3c-2b1f0e9d7c11',
    );
    expect(m.html).toContain('Rome &lt;3 &amp; pasta');
    expect(m.html).not.toContain('<3 &');
    expect(m.html).toContain(
      '<a href="https://voyage.example/trips/6f1d3c1e-8d2a-4a57-9a3c-2b1f0e9d7c11">Open the trip</a>',
    );
  });

  it('renders a plan ready notice, and money in the currency’s own minor units', () => {
    const plan = renderMessage(
      {
        type: 'plan.ready',
        aggregateId: '6f1d3c1e-8d2a-4a57-9a3c-2b1f0e9d7c11',
        recipient: { userId: 'u' },
        payload: { tripId: 't', tripName: 'Tokyo', days: 4, stops: 13, source: 'llm' },
      },
      'Kenji',
    );
    expect(plan.subject).toBe('Your itinerary for "Tokyo" is ready');
    expect(plan.text).toContain('13 stops over 4 days');
    expect(plan.text).toContain('the AI planner, checked by Voyage');
    expect(plan.text).not.toContain('http');

    const yen = renderMessage(
      {
        type: 'booking.cancelled',
        aggregateId: 'b',
        recipient: { userId: 'u' },
        payload: {
          kind: 'stay',
          bookingId: 'b',
          title: 'Room at Ryokan',
          start: '2027-05-01T06:00:00Z',
          end: '2027-05-03T02:00:00Z',
          timeZone: 'Asia/Tokyo',
          totalAmount: 48000,
          currency: 'JPY',
        },
      },
      'Kenji',
    );
    expect(yen.subject).toBe('Cancelled: Room at Ryokan');
    expect(yen.text).toContain('Amount:    JP¥48,000');
    expect(yen.text).toContain('Sat, 1 May 2027, 15:00 (Asia/Tokyo)');
  });
});

describe('booking emails: references, links, zones', () => {
  const car = '0a3f9c2e-1b4d-4e6f-8a7b-9c0d1e2f3a4b';

  it('gives a car booking a short reference and a link to its page in the web app', () => {
    const m = renderMessage(
      {
        type: 'booking.confirmed',
        aggregateId: car,
        recipient: { userId: car },
        payload: {
          kind: 'car',
          bookingId: car,
          title: 'Toyota Corolla at SFO',
          start: '2027-05-01T16:00:00.000Z',
          end: '2027-05-03T16:00:00.000Z',
          timeZone: 'America/Los_Angeles',
          totalAmount: 12000,
          currency: 'USD',
        },
      },
      'Ada',
      'https://voyage.example',
    );
    expect(m.text).toMatch(/Reference: +CAR-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/);
    expect(m.text).not.toContain(`Booking:`);
    expect(m.text).toContain(`https://voyage.example/bookings/cars/${car}`);
    expect(m.text).toContain('Sat, 1 May 2027, 09:00 (America/Los_Angeles)');
  });

  it("shows a flight's arrival in the arrival airport's zone, and links to the flight's page", () => {
    const m = renderMessage(
      {
        type: 'booking.confirmed',
        aggregateId: car,
        recipient: { userId: car },
        payload: {
          kind: 'flight',
          bookingId: car,
          title: 'LHR → JFK, VY 120',
          // 09:30 in London, arriving 12:30 in New York (17:30 UTC).
          start: '2027-05-01T08:30:00.000Z',
          end: '2027-05-01T16:30:00.000Z',
          timeZone: 'Europe/London',
          endTimeZone: 'America/New_York',
          totalAmount: 45000,
          currency: 'GBP',
          reference: 'VY7Q2K',
        },
      },
      'Ada',
      'https://voyage.example',
    );
    expect(m.text).toContain('09:30 (Europe/London)');
    expect(m.text).toContain('12:30 (America/New_York)');
    expect(m.text).toMatch(/Reference: +VY7Q2K/);
    expect(m.text).toContain(`https://voyage.example/bookings/flights/${car}`);
  });
});
