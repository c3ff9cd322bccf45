import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { IngestInputError } from '../../../../pipelines/ingest/discover.ts';
import { ingest } from '../../../../pipelines/ingest/ingest.ts';
import { UserError } from '../../../../lib/user-error.ts';
import { loansCsv } from '../../../helpers/bad-row-file.ts';
import { count, disposeIfOpened, testWarehouse, tmpDir } from '../../../helpers/warehouse.ts';

/**
 * A path that is neither a regular file nor a directory (a named pipe, a socket, a device): reading a
 * pipe waited for ever for a writer. Named on the command line it is refused in one line (exit 2,
 * nothing loaded); found in a folder it is skipped and listed, as a file of another format is.
 */
describe('named pipes, sockets and devices', () => {
  let wh: Awaited<ReturnType<typeof testWarehouse>>;
  const servers: Server[] = [];
  beforeAll(async () => {
    wh = await testWarehouse('special_files');
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await disposeIfOpened(wh);
  });

  const fifo = (path: string) => execFileSync('mkfifo', [path]);
  const socket = (path: string) =>
    new Promise<void>((done) => {
      const s = createServer();
      servers.push(s);
      s.listen(path, done);
    });
  const payments = 'payment_id,loan_id,paid_date,amount\nP1,L1,2023-01-15,10.00\n';

  const refusal = async (paths: string[]) => {
    const e = await ingest(wh, paths, { piiSecret: 's', entity: 'payments' }).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(IngestInputError);
    expect((e as UserError).exitCode).toBe(2);
    return (e as Error).message;
  };

  it('named on the command line: "not a regular file", one line, exit 2, nothing of the run loaded', async () => {
    const dir = tmpDir('special-named');
    const pipe = join(dir, 'payments_fifo.csv');
    fifo(pipe);
    const sock = join(dir, 'payments.sock.csv');
    await socket(sock);
    const device = join(dir, 'payments_null.csv');
    symlinkSync('/dev/null', device);
    writeFileSync(join(dir, 'loans.csv'), loansCsv());
    for (const [path, kind] of [
      [pipe, 'a named pipe'],
      [sock, 'a socket'],
      [device, 'a device'],
      ['/dev/zero', 'a device'],
    ] as const) {
      // alone, first or last among the run's paths
      for (const paths of [[path], [path, join(dir, 'loans.csv')], [join(dir, 'loans.csv'), path]]) {
        const msg = await refusal(paths);
        expect(msg).toBe(`cannot ingest ${path}: not a regular file (${kind})`);
      }
    }
    expect(await refusal([pipe, sock])).toBe(
      `cannot ingest 2 files: ${pipe}: not a regular file (a named pipe); ${sock}: not a regular file (a socket)`,
    );
    expect(await count(wh, 'loans')).toBe(0);
    expect(await count(wh, 'ingest_receipts')).toBe(0);
  }, 30_000);

  it("found in a folder: skipped with a line and listed, the folder's files loaded, wherever it sorts", async () => {
    for (const name of ['a_payments.csv', 'payments_m.csv', 'payments_z.csv']) {
      await wh.reset();
      const dir = tmpDir('special-folder');
      writeFileSync(join(dir, 'loans.csv'), loansCsv());
      writeFileSync(join(dir, 'payments_1.csv'), payments);
      writeFileSync(join(dir, 'payments_x.csv'), payments.replace('P1', 'P2'));
      fifo(join(dir, name));
      const logged: string[] = [];
      const r = await ingest(wh, [dir], { piiSecret: 's', log: (l) => logged.push(l) });
      expect(r.skipped).toEqual([{ path: join(dir, name), why: 'not a regular file (a named pipe)' }]);
      expect(logged).toContain(`skip ${join(dir, name)}: not a regular file (a named pipe)`);
      expect(r.receipts.map((x) => x.rows_read)).toEqual([50, 1, 1]);
      expect(await count(wh, 'payments')).toBe(2);
    }
  }, 60_000);

  it('a folder of nothing but a pipe is refused as a folder without input', async () => {
    const dir = tmpDir('special-only');
    fifo(join(dir, 'payments.csv'));
    expect(await refusal([dir])).toBe(
      `nothing to ingest in ${dir}: 1 file skipped (payments.csv: not a regular file (a named pipe))`,
    );
  }, 30_000);
});
