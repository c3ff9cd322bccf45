#!/usr/bin/env node
// After `npm install`: the registry reachable here does not list every platform build of packages
// that ship one binary package per platform (chdb, @napi-rs/canvas, deno), so npm leaves those out
// of package-lock.json and `npm ci` then refuses the lock as out of sync. This adds a stub entry per
// missing platform package with the os/cpu/libc npm needs to skip it on other machines.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const pkgs = lock.packages;
const platform = (name) => {
  const n = name.split('/').pop();
  const os = ['darwin', 'win32', 'linux', 'android', 'freebsd'].find((o) => n.includes(o));
  const cpu =
    ['arm64', 'x64', 'riscv64', 'ia32', 's390x', 'ppc64'].find((c) => n.includes(c)) ??
    (n.includes('arm') ? 'arm' : undefined);
  const libc = n.includes('musl') ? 'musl' : n.includes('gnu') || n.includes('glibc') ? 'glibc' : undefined;
  return { os, cpu, libc };
};
let added = 0;
for (const [path, p] of Object.entries(pkgs)) {
  for (const [dep, version] of Object.entries(p.optionalDependencies ?? {})) {
    const key = `node_modules/${dep}`;
    if (pkgs[key] || pkgs[`${path}/${key}`]) continue;
    const { os, cpu, libc } = platform(dep);
    if (!os || !cpu) continue;
    pkgs[key] = {
      version: version.replace(/^[\^~]/u, ''),
      ...(p.dev ? { dev: true } : {}),
      cpu: [cpu],
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
);
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} platform stub(s)`);
