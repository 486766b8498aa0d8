import { defineModule } from '../module.js';
import { itineraryRoutes } from './routes.js';
import type { ItineraryService } from './service.js';

export const itineraryModule = defineModule<ItineraryService>({ name: 'itinerary', routes: itineraryRoutes });
