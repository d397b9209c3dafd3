import { startProbeSites } from '../../test/support/probe-sites.ts';

/**
 * For bench/probe.bench.ts, in a process of its own: the tests' fixture web server
 * (test/support/probe-sites.ts) on PROBE_HOSTS loopback addresses 127.0.1.1, 127.0.1.2, … — each
 * a "hosting platform" with its own per-address limits. Prints `{"bases": […]}` once listening;
 * on SIGTERM prints `{"requests": n}` and exits.
 */
const hosts = Number(process.env.PROBE_HOSTS ?? 200);
const today = process.env.PROBE_TODAY ?? '2024-05-15';
const servers = await Promise.all(
  Array.from({ length: hosts }, (_, i) =>
    startProbeSites(today, 1_000, `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`),
  ),
);
console.log(JSON.stringify({ bases: servers.map((s) => s.base) }));
process.once('SIGTERM', async () => {
  const requests = servers.reduce((n, s) => n + s.seen.length, 0);
  console.log(JSON.stringify({ requests }));
  await Promise.all(servers.map((s) => s.close()));
  process.exit(0);
});
// The bench killed without its cleanup: do not outlive it.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(0);
}, 1000).unref();
