/**
 * MPIDR_EL1 affinity of each vCPU. vmm numbers vCPUs 0..n-1 and gives vCPU `id` Aff0 = id
 * modulo 256 and Aff1 = id / 256 (Aff2 = Aff3 = 0), the topology the GICv3 routes by and the
 * DTB's `cpu@N reg` describes. PSCI calls name CPUs by these values.
 */

/** The affinity bits of MPIDR_EL1 (Aff3 39:32, Aff2 23:16, Aff1 15:8, Aff0 7:0). */
const AFFINITY_MASK = 0xff_00ff_ffffn;

/** The MPIDR_EL1 affinity value of vCPU `id`. */
export function mpidrOfVcpu(id: number): bigint {
  return (BigInt(id >> 8) << 8n) | BigInt(id & 0xff);
}

/**
 * The vCPU whose affinity is `mpidr` (other MPIDR bits ignored), or undefined if no vCPU of a
 * VM with `vcpus` vCPUs has it.
 */
export function vcpuOfMpidr(mpidr: bigint, vcpus: number): number | undefined {
  const affinity = mpidr & AFFINITY_MASK;
  if (affinity >> 16n !== 0n) return undefined;
  const id = Number((affinity >> 8n) & 0xffn) * 256 + Number(affinity & 0xffn);
  return id < vcpus ? id : undefined;
}
