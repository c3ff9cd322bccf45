import type { OpenApiParameter } from '../../api/openapi-doc.ts';

/** An operation of the served OpenAPI document, as the sweeps over every route read it. */
export interface DocumentedOperation {
  parameters?: OpenApiParameter[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentedOperation>>;
}

/** a value of the right shape for each query parameter a route may require */
export const requiredQueryValues: Record<string, string> = {
  as_of: '2024-06-30',
  month: '2024-06',
  period: '2024-06',
  from: '2024-01-01',
  to: '2024-06-30',
};

/** a value of the right shape for each path parameter (a loan id where a name is not listed) */
const pathValues: Record<string, string> = {
  id: 'L000000001',
  template: 'overdue-trend',
  name: 'dpd30_3m_scorecard',
  version: '1',
  file: 'report.pdf',
};

/** The document's path template with every path parameter filled in. */
export function filledPath(template: string): string {
  return template.replace(/\{([^}]+)\}/gu, (_, name: string) => pathValues[name] ?? 'L000000001');
}

/** The required query parameters of an operation, `name=value` each, but those in `except`. */
export function requiredQuery(op: DocumentedOperation | undefined, except: string[] = []): string[] {
  return (op?.parameters ?? [])
    .filter((p) => p.in === 'query' && p.required && !except.includes(p.name))
    .map((p) => `${p.name}=${requiredQueryValues[p.name] ?? 'x'}`);
}
