/** TensorBoard's port; the board takes the next free one when it is in use. */
export const DEFAULT_PORT = 6006;
/** Loopback only, unless `--host` says otherwise. */
export const DEFAULT_HOST = '127.0.0.1';
/** How many ports after the first one the board tries before giving up. */
export const PORT_ATTEMPTS = 100;
/** Polling interval (ms) of the fallback that catches what `fs.watch` misses (network file systems, some editors). */
export const DEFAULT_POLL_MS = 2000;
/**
 * Buckets (≈ a chart's width in pixels) of the M4 downsampling of the scalars the page receives at connect time and
 * in large updates: at most 4 points per bucket, so a series sends at most 1,000 points however long it is (TensorBoard keeps 1,000 too).
 */
export const DEFAULT_SNAPSHOT_BUCKETS = 250;
/** The most worker threads the board reads event files with (one per core but one, up to this). */
export const MAX_READ_WORKERS = 8;
