import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { brokerPidPath, serverPropertiesPath } from './kafka-config';
import { releaseProcess } from './owned-processes';
import { commandLineOf, isProcessAlive } from './processes';

/** The pid in the data directory's pid file, if that process is alive and is this broker. */
export function livePidOf(dataDir: string): number | undefined {
  const file = brokerPidPath(dataDir);
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
