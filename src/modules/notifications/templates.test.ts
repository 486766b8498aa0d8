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
    expect(yen.text).toContain('Amount:  JP¥48,000');
    expect(yen.text).toContain('Sat, 1 May 2027, 15:00 (Asia/Tokyo)');
  });
});
