/** Why this Node is refused (older than `floor`, a ">=x.y[.z]" range), or null when it is new enough. */
export function nodeFloorProblem(version: string, floor: string): string | null;
