/** Routing benchmark: added with the routing engine (issue #3). */
export async function benchRouting(log: (s: string) => void): Promise<void> {
  log('\nrouting: not built yet');
}
