/** Start-up steps (migrate, connect) retry until the dependency is there: the lab may start us first. */
export async function untilDone<T>(
  what: string,
  work: () => Promise<T>,
  log: (line: string) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      log(
        `${what} failed (attempt ${attempt}): ${error instanceof Error ? error.message : String(error)}; retrying`,
      );
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
    }
  }
}
