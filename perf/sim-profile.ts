// Profile of the simulation-speed session: warm sessions under the V8 sampling profiler, top functions and files by self time.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadProPlan, measureSimSession } from './sim-speed.js';

interface ProfileNode {
  readonly id: number;
  readonly children?: readonly number[];
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time by key, as a share of the total, largest first. */
function shares(profile: Profile, keyOf: (node: ProfileNode) => string): [string, number][] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    const key = keyOf(byId.get(id) as ProfileNode);
    totals.set(key, (totals.get(key) ?? 0) + delta);
  });
  return [...totals].map(([key, us]): [string, number] => [key, us / total]).sort((a, b) => b[1] - a[1]);
}

function shortUrl(url: string): string {
  return url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(src|sim|firmware|perf|test)\//, '$1/');
}

/** `tsx perf/sim-profile.ts [sessions] [rows]`: warms up with 2 sessions, then profiles `sessions` (default 6). */
async function main(): Promise<void> {
  const sessions = Number(process.argv[2] ?? 6);
  const rows = Number(process.argv[3] ?? 25);
  const plan = loadProPlan();
  for (let seed = 1; seed <= 2; seed++) await measureSimSession(plan, seed);
  const inspector = new Session();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
  await inspector.post('Profiler.start');
  const cpuStart = process.cpuUsage();
  let virtualMs = 0;
  for (let seed = 3; seed < 3 + sessions; seed++) virtualMs += (await measureSimSession(plan, seed)).virtualMs;
  const cpu = process.cpuUsage(cpuStart);
  const { profile } = (await inspector.post('Profiler.stop')) as { profile: Profile };
  inspector.disconnect();
  if (process.env.MNPEN_PROFILE_OUT !== undefined)
    writeFileSync(process.env.MNPEN_PROFILE_OUT, JSON.stringify(profile));
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(
    `${sessions} warm sessions: ${virtualMs} virtual ms in ${cpuMs.toFixed(0)} CPU ms = ${(virtualMs / cpuMs).toFixed(0)}x of CPU time (profiler on)`,
  );
  const percent = (share: number): string => `${(share * 100).toFixed(1).padStart(5)} %`;
  console.log('top functions (self time):');
  for (const [key, share] of shares(
    profile,
    (n) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`,
  ).slice(0, rows))
    console.log(`  ${percent(share)}  ${key}`);
  console.log('top files (self time):');
  for (const [key, share] of shares(profile, (n) => shortUrl(n.callFrame.url) || n.callFrame.functionName).slice(
    0,
    rows,
  ))
    console.log(`  ${percent(share)}  ${key}`);
}

await main();
