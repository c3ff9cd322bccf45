import { createApp } from '../../api/app.ts';
import type { Warehouse } from '../../warehouse/connection.ts';
import { defaultSettings } from './settings.ts';

/**
 * The API as the integration tests drive it: no request log (they read the responses), rate limits
 * out of the way (a matrix of requests is not an attack), a 64 KiB body limit, the default settings;
 * `deps` replaces any of them (a case-list builder of a test's own).
 */
export const unthrottledApp = (wh: Warehouse, deps: Partial<Parameters<typeof createApp>[0]> = {}) =>
  createApp({
    wh,
    log: () => undefined,
    rateLimitPerMinute: 1_000_000,
    anonRateLimitPerMinute: 1_000_000,
    maxBodyBytes: 64 * 1024,
    snapshotSettings: defaultSettings,
    ...deps,
  });
