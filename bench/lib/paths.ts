import { repoRoot } from '../../libs/infra/src/repo-root';

/** The repository root, from bench/lib (ts) or dist/bench/lib (built) alike. */
export const ROOT = repoRoot(__dirname);
