import { defineModule } from '../module.js';
import { exportsRoutes } from './routes.js';
import type { ExportsService } from './service.js';

export const exportsModule = defineModule<ExportsService>({ name: 'exports', routes: exportsRoutes });
