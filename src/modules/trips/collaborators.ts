import { isConstraintViolation } from '../../platform/db/errors.js';
import type { Principal } from '../../platform/http/auth.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Db } from '../database.js';
import type { IdentityService } from '../identity/service.js';
import type { NotificationsService } from '../notifications/service.js';
import type { CollaboratorRow, TripsRepository } from './repository.js';
import type { Collaborator, CollaboratorCreate, TripRole } from './schemas.js';
import type { TripRow } from './tables.js';

type Authorize = (
  tripId: string,
  who: Principal,
  need: 'read' | 'edit' | 'manage',
) => Promise<{ trip: TripRow; role: TripRole }>;

function toCollaborator(r: CollaboratorRow): Collaborator {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    invitedBy: r.invited_by,
    createdAt: r.created_at.toISOString(),
  };
}

/** Sharing a trip: invitations by email (an account may come later), listing and removing them. */
export function createCollaborators(deps: {
  db: Db;
  repo: TripsRepository;
  identity: IdentityService;
  notifications: NotificationsService;
  authorize: Authorize;
}) {
  const { db, repo, identity, notifications, authorize } = deps;
  return {
    async collaborators(id: string, who: Principal): Promise<Collaborator[]> {
      await authorize(id, who, 'read');
      return (await repo.collaborators(id)).map(toCollaborator);
    },

    /** Invites by email (an account may come later) and emails the invitee, in one transaction. */
    async invite(id: string, who: Principal, input: CollaboratorCreate): Promise<Collaborator> {
      const { trip } = await authorize(id, who, 'manage');
      const owner = await identity.getUser(trip.owner_id);
      if (owner.email === input.email)
        throw badRequest('cannot_invite_owner', 'The owner already has the trip');
      const inviter = await identity.getUser(who.userId);
      try {
        const row = await db.transaction().execute(async (tx) => {
          const c = await repo.insertCollaborator(
            { trip_id: id, email: input.email, role: input.role, invited_by: who.userId },
            tx,
          );
          await notifications.emit(tx, {
            type: 'trip.shared',
            aggregateId: id,
            recipient: { email: input.email },
            payload: {
              tripId: id,
              tripName: trip.name,
              destination: trip.destination,
              startDate: trip.start_date,
              endDate: trip.end_date,
              role: input.role,
              invitedBy: inviter.name,
            },
          });
          return c;
        });
        return toCollaborator(row);
      } catch (err) {
        if (isConstraintViolation(err, 'trip_collaborators_trip_email_key'))
          throw conflict('already_collaborator', `${input.email} is already on this trip`);
        throw err;
      }
    },

    async removeCollaborator(id: string, who: Principal, collaboratorId: string): Promise<void> {
      await authorize(id, who, 'manage');
      if (!(await repo.removeCollaborator(id, collaboratorId)))
        throw notFound('collaborator_not_found', 'Collaborator not found');
    },
  };
}
