import { describe, expect, it } from 'vitest';
import { archiveIdPattern } from '../../../reports/archive/pack-id.ts';
import { documentApp } from '../../helpers/document-app.ts';

/*
 * The archive file route's id example named no archived pack (review 4 §9: Swagger UI's Try it out
 * answered 404 on the demo book). It is now the demo book's June 2024 English management pack, which
 * `loanwatch demo` archives under this id (its inputs are fixed), and its words say it is one.
 */
interface Param {
  name: string;
  in: string;
  example?: unknown;
  description?: string;
}
const doc = (await (await documentApp().request('/openapi.json')).json()) as {
  paths: Record<string, Record<string, { parameters?: Param[] }>>;
};

describe('GET /v1/reports/archive/{id}/{file}: the id example', () => {
  it("is an archive id of the demo book's archive, and said to be an example to replace", () => {
    const id = doc.paths['/v1/reports/archive/{id}/{file}']!.get!.parameters!.find((p) => p.name === 'id')!;
    expect(id.example).toBe('2024-06-management-en-b9ed623a599f');
    expect(String(id.example)).toMatch(archiveIdPattern);
    expect(id.description).toMatch(/demo book.*take an id from the list/u);
  });
});
