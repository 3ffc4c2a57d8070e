// `npm start` runs npm → sh -c → tsx → this script. A terminal's Ctrl-C signals
// that whole process group, but a SIGTERM sent to npm alone (an IDE's stop
// button, a process manager) only reaches `sh`, which dies without telling its
// child: npm exits and this script would keep serving as an orphan. So it watches
// the processes that launched it and stops when one of them is gone.
import { execFileSync } from 'node:child_process';

const LEVELS = 3; // tsx, sh, npm

/** The parent chain above this process, nearest first, without init (pid 1). */
function launchers(): number[] {
  const chain: number[] = [];
  let pid = process.ppid;
  for (let level = 0; level < LEVELS && pid > 1; level++) {
    chain.push(pid);
    try {
      pid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }));
    } catch {
      break; // no `ps` (minimal container): watch what we have
    }
  }
  return chain;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Calls `onGone` once when any launcher process has exited; returns a function that stops watching. */
export function watchLaunchers(onGone: () => void, intervalMs = 1000): () => void {
  const chain = launchers();
  const timer = setInterval(() => {
    if (chain.every(isAlive)) return;
    clearInterval(timer);
    onGone();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
