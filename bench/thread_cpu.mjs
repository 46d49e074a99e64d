// CPU time of every thread of a process tree, from Linux's /proc/<pid>/task/<tid>/schedstat (ns
// on CPU), for bench/slowdown.mjs --cpu: which of Chromium's threads (the page's main thread,
// pool workers = DedicatedWorker, V8 background compilation = ThreadPoolForeg / V8 DefaultWorke)
// burn CPU while the page is idle. Linux only.
import { readdirSync, readFileSync } from 'node:fs';

const read = (p) => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null; // the thread or process ended
  }
};

/** Pids of `root` and all its descendants. */
function tree(root) {
  const parent = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const stat = read(`/proc/${d}/stat`);
    if (stat) parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, pp] of parent) if (pp === out[i]) out.push(pid);
  return out;
}

/** Map `${pid}/${tid}` -> {kind: '<process type>:<thread name>', ns} for the tree under `root`. */
export function threadCpu(root) {
  const snap = new Map();
  for (const pid of tree(root)) {
    const cmd = read(`/proc/${pid}/cmdline`) ?? '';
    const type = /--type=([a-z-]+)/.exec(cmd)?.[1] ?? 'browser';
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const s = read(`/proc/${pid}/task/${tid}/schedstat`);
      const comm = (read(`/proc/${pid}/task/${tid}/comm`) ?? '?').trim();
      if (s) snap.set(`${pid}/${tid}`, { kind: `${type}:${comm}`, ns: Number(s.split(' ')[0]) });
    }
  }
  return snap;
}

/** CPU ms spent between two snapshots, summed by thread kind (by thread with `perThread`), largest first. */
export function cpuDelta(before, after, perThread = false) {
  const by = new Map();
  for (const [k, a] of after) {
    const ms = (a.ns - (before.get(k)?.ns ?? 0)) / 1e6;
    const key = perThread ? `${a.kind}#${k.split('/')[1]}` : a.kind;
    if (ms > 0) by.set(key, (by.get(key) ?? 0) + ms);
  }
  return Object.fromEntries([...by].sort((x, y) => y[1] - x[1]));
}
