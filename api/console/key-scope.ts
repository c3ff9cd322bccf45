import type { ApiKey } from '../auth/keys.ts';
import { segmentName } from '../../reports/summary/segments.ts';
import { teamLabel } from '../../reports/i18n.ts';
import { roleLabels } from './error-text.ts';
import type { Lang } from './i18n.ts';

/** A key's region and team as the page's language names them (华东 / 华东早期组), '' for an unscoped key. */
export function regionTeamText(key: Pick<ApiKey, 'region' | 'team'>, lang: Lang): string {
  if (!key.region) return '';
  return `${segmentName('region', key.region, lang)}${key.team ? ` / ${teamLabel(key.team, lang)}` : ''}`;
}

/** Who is signed in, for the header: the role and, for a scoped key, its region and team, in the page's language. */
export function keyScopeText(key: Pick<ApiKey, 'role' | 'region' | 'team'>, lang: Lang): string {
  const role = roleLabels[key.role]?.[lang] ?? key.role;
  const where = regionTeamText(key, lang);
  return where ? `${role} · ${where}` : role;
}
