import { afterEach, describe, expect, it, vi } from 'vitest';

const os = vi.hoisted(() => ({ userInfo: vi.fn(), hostname: vi.fn() }));
vi.mock('node:os', () => os);

// unit test files share their worker's module cache (isolate: false): another file may have loaded
// cli-audit.ts with the real node:os already, so it is loaded afresh here, under the mock
vi.resetModules();
const { cliActor } = await import('../../../../bin/commands/cli-audit.ts');

describe('cliActor: who ran a CLI command, as the audit log names it', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is the OS user and host, --by after them in brackets', () => {
    os.userInfo.mockReturnValue({ username: 'wang' });
    os.hostname.mockReturnValue('risk-01');
    expect(cliActor(undefined)).toBe('cli:wang@risk-01');
    expect(cliActor('zhou.ia')).toBe('cli:wang@risk-01 (zhou.ia)');
  });

  it('falls back to $USER, then $LOGNAME, then unknown-user when the uid has no passwd entry; unknown-host without a host name', () => {
    os.userInfo.mockImplementation(() => {
      throw new Error('ENOENT: no such file or directory, uv_os_get_passwd');
    });
    os.hostname.mockReturnValue('');
    vi.stubEnv('USER', 'deploy');
    expect(cliActor(undefined)).toBe('cli:deploy@unknown-host');
    vi.stubEnv('USER', '');
    vi.stubEnv('LOGNAME', 'ops');
    expect(cliActor(undefined)).toBe('cli:ops@unknown-host');
    vi.stubEnv('LOGNAME', '');
    vi.stubEnv('USERNAME', '');
    expect(cliActor('li')).toBe('cli:unknown-user@unknown-host (li)');
  });
});
