import { createApp } from '../../api/app.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultSettings } from './settings.ts';

/** The API without a warehouse: its OpenAPI document is built from the route definitions alone. */
export const documentApp = () =>
  createApp({
    wh: {} as Warehouse,
    log: () => undefined,
    rateLimitPerMinute: 1,
    maxBodyBytes: 1024,
    snapshotSettings: defaultSettings,
  });
