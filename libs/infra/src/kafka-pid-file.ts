import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerPidPath, serverPropertiesPath } from './kafka-config';
import { releaseProcess } from './owned-processes';
import { commandLineOf, isProcessAlive } from './processes';

const stoppingPath = (dataDir: string): string => join(dataDir, 'broker.stopping.pid');

/** The pid in the data directory's pid file, if that process is alive and is this broker. */
export function livePidOf(dataDir: string, file = brokerPidPath(dataDir)): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return undefined;
  // Pids are recycled: only a process running this data directory's config counts.
  const commandLine = commandLineOf(pid);
  return commandLine === '' || commandLine.includes(serverPropertiesPath(dataDir)) ? pid : undefined;
}

export function recordPid(dataDir: string, pid: number): void {
  writeFileSync(brokerPidPath(dataDir), String(pid));
}

/** Removes the pid file if it still names this pid (a restart may have replaced it). */
export function forgetPid(dataDir: string, pid: number): void {
  releaseProcess(pid);
  const file = brokerPidPath(dataDir);
  if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(pid)) rmSync(file, { force: true });
}

/**
 * Called from the exit hook of a process that leaves without stopping its broker (it sends
 * SIGTERM and cannot wait): the pid file becomes broker.stopping.pid, so the next start waits
 * for that JVM to exit instead of reusing a broker that is about to go away.
 */
export function markStopping(dataDir: string, pid: number): void {
  const file = brokerPidPath(dataDir);
  if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(pid)) renameSync(file, stoppingPath(dataDir));
}

/** A broker of this directory that was told to stop and has not exited yet, if any. */
export function stoppingPidOf(dataDir: string): number | undefined {
  const pid = livePidOf(dataDir, stoppingPath(dataDir));
  if (pid === undefined) rmSync(stoppingPath(dataDir), { force: true });
  return pid;
}
