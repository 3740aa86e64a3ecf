// One line naming the machine a benchmark ran on.
import { cpus, loadavg } from 'node:os';

export interface MachineInfo { cpu: string; cores: number; node: string; platform: string; load: number[] }

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() || 'unknown CPU',
    cores: list.length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    load: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

export function machineLine(m: MachineInfo = machineInfo()): string {
  return `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.platform}`;
}
