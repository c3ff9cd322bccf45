import { describe, expect, it } from 'vitest';
import {
  anyOf,
  joinSql,
  param,
  ParamAllocator,
  render,
  sql,
  sqlStringLiteral,
  trusted,
} from '../../../warehouse/sql.ts';

describe('SQL fragments', () => {
  it('carry their own values; one allocator names them when the statement is rendered', () => {
    const region = (r: string) => sql`region = ${param(r, 'String')}`;
    const statement = sql`SELECT count() FROM ${trusted('lw.loans')} WHERE ${joinSql([region('east'), region('west')], ' OR ')}`;
    expect(render(statement)).toEqual({
      query: 'SELECT count() FROM lw.loans WHERE region = {lwp_0:String} OR region = {lwp_1:String}',
      query_params: { lwp_0: 'east', lwp_1: 'west' },
    });
  });

  it('bind one value once however often it is used, and pass named parameters through', () => {
    const day = param('2024-06-30', 'Date');
    const statement = sql`SELECT ${day} AS a, ${day} AS b, {as_of:Date} AS c`;
    expect(render(statement, { as_of: '2024-05-31' })).toEqual({
      query: 'SELECT {lwp_0:Date} AS a, {lwp_0:Date} AS b, {as_of:Date} AS c',
      query_params: { as_of: '2024-05-31', lwp_0: '2024-06-30' },
    });
  });

  it('compose without collisions: nested fragments built apart keep their values apart', () => {
    const inner = (v: number) => sql`SELECT ${param(v, 'UInt32')} AS x`;
    const { query, query_params } = render(sql`SELECT * FROM (${inner(1)}) UNION ALL SELECT * FROM (${inner(2)})`);
    expect(query).toBe(
      'SELECT * FROM (SELECT {lwp_0:UInt32} AS x) UNION ALL SELECT * FROM (SELECT {lwp_1:UInt32} AS x)',
    );
    expect(query_params).toEqual({ lwp_0: 1, lwp_1: 2 });
  });

  it("refuse a named parameter in the allocator's namespace and a type that is no type", () => {
    expect(() => render(sql`SELECT 1`, { lwp_0: 1 })).toThrow(/allocator's prefix/u);
    expect(() => param(1, 'String}; DROP TABLE x; --')).toThrow(/not a parameter type/u);
    expect(joinSql([], ' AND ').isEmpty).toBe(true);
  });

  it('name the params of several texts of one statement with one allocator', () => {
    const categories = param(['a', 'b'], 'Array(String)');
    const names = new ParamAllocator({ me: '2024-06-30' });
    const first = names.text(sql`has(${categories}, x) AS y`);
    const second = names.text(sql`if(y, ${param('why', 'String')}, ${categories}[1]) AS z`);
    expect([first, second]).toEqual([
      'has({lwp_0:Array(String)}, x) AS y',
      'if(y, {lwp_1:String}, {lwp_0:Array(String)}[1]) AS z',
    ]);
    expect(names.query_params).toEqual({ me: '2024-06-30', lwp_0: ['a', 'b'], lwp_1: 'why' });
    expect(() => new ParamAllocator({ lwp_9: 1 })).toThrow(/allocator's prefix/u);
  });

  it('quote an inlined string so that it reads back as written', () => {
    expect(sqlStringLiteral('c0 Nullable(String)')).toBe("'c0 Nullable(String)'");
    expect(sqlStringLiteral("it's")).toBe("'it''s'");
    expect(sqlStringLiteral('a\\b')).toBe("'a\\\\b'");
    expect(sqlStringLiteral("\\'; DROP TABLE x; --")).toBe("'\\\\''; DROP TABLE x; --'");
  });

  it('anyOf: the column IN the bound list, or true for an empty list (no filter)', () => {
    expect(render(anyOf(['east', 'west'], 'l.region'))).toEqual({
      query: '(empty({lwp_0:Array(String)}) OR l.region IN {lwp_0:Array(String)})',
      query_params: { lwp_0: ['east', 'west'] },
    });
    expect(render(anyOf(undefined, 'team')).query_params).toEqual({ lwp_0: [] });
  });
});
