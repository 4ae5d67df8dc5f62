// A tenant's learners saved now and then, so that a worker that starts (a deploy, a crash) continues
// from the live one's last snapshot and learns only the records recorded since, instead of relearning
// the tenant's whole history before its first draft (100,000 past tickets: ~6 minutes of CPU,
// bench:learning); and learners as of a time start from a checkpoint (domain/learning/asOfCheckpoints.ts).
//
// The state is the learner's own structures (domain/learning/learnerState.ts) through v8's
// structured serialisation: Maps, Sets, typed arrays and shared references come back as they were,
// which JSON would not keep (a template's reply is one object shared with the near-duplicate
// memory). Then gzip and base64, since the column is a String written as JSON.
//
// A snapshot is continued only by the very learning code that wrote it: its fingerprint is a digest
// of the learner's sources (domain/learning, domain/text) and of the lockfile (its libraries). After
// any change there the tenant is relearned from the log once, rather than continued from a state the
// new code would not have built.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { gunzip, gzip } from 'node:zlib';
import type { LearnerState } from '../domain/learning/learnerState.js';
import type { ClickHouse } from './clickhouse.js';
import { AFTER_EVERY_EVENT, fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/**
 * Which of a tenant's learners (activities/tenantLearners.ts): the live one, or one that learned the
 * records before a time, in time order (time travel and the install-time learner the control arm
 * drafts from).
 */
export type SnapshotKey = { learner: 'live' } | { learner: 'as-of'; asOf: string };

export interface LearnerSnapshot {
  /** Live: the learning records' watermark it had learned up to (store/learningRecords.ts); as-of: ''. */
  watermark: string;
  /** Records learned (as-of: the records before its time). */
  records: number;
  modelVersion: string;
  state: LearnerState;
}

/**
 * The state's bytes. Serialising is synchronous (the state must not change under it, and the learner
 * is not learning while this runs); compressing runs on libuv's thread pool.
 */
export function encodeLearnerState(state: LearnerState): Promise<Buffer> {
  return gzipAsync(serialize(state), { level: 1 });
}

export async function decodeLearnerState(bytes: Buffer): Promise<LearnerState> {
  return deserialize(await gunzipAsync(bytes)) as LearnerState;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LEARNING_CODE = ['domain/learning', 'domain/text'];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, dir), { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)])));
  return nested.flat().sort();
}

let fingerprint: Promise<string> | undefined;

/** Digest of the learning code (its sources and the lockfile), computed once per process. */
export function learnerCodeFingerprint(): Promise<string> {
  fingerprint ??= (async () => {
    const hash = createHash('sha256');
    for (const file of [...(await Promise.all(LEARNING_CODE.map(filesUnder))).flat(), 'package-lock.json']) {
      hash.update(`${file}\n`).update(await readFile(join(ROOT, file))).update('\n');
    }
    return hash.digest('hex').slice(0, 16);
  })();
  return fingerprint;
}

/** model_version of a retired row (retireAsOfSnapshots): no learner writes an empty one. */
const RETIRED = '';

const asOfColumn = (key: SnapshotKey): string => toClickHouseTime(key.learner === 'as-of' ? key.asOf : 0);

/** Stores an encoded snapshot (encodeLearnerState) as the tenant's latest of that learner. */
export async function writeLearnerSnapshot(ch: ClickHouse, tenantId: string, key: SnapshotKey, snapshot: Omit<LearnerSnapshot, 'state'> & { state: Buffer; takenAtMs: number }): Promise<void> {
  await ch.insert(TABLES.learnerSnapshots, [
    {
      tenant_id: tenantId,
      learner: key.learner,
      as_of: asOfColumn(key),
      fingerprint: await learnerCodeFingerprint(),
      watermark: snapshot.watermark,
      records: snapshot.records,
      model_version: snapshot.modelVersion,
      state: snapshot.state.toString('base64'),
      taken_at: toClickHouseTime(snapshot.takenAtMs),
    },
  ]);
}

/** The tenant's latest snapshot of that learner if this learning code wrote it; undefined when there is none or another code's. */
export async function loadLearnerSnapshot(ch: ClickHouse, tenantId: string, key: SnapshotKey): Promise<LearnerSnapshot | undefined> {
  const [row] = await ch.query<{ fingerprint: string; watermark: string; records: string; model_version: string; state: string }>(
    `SELECT fingerprint, watermark, records, model_version, state FROM ${ch.table(TABLES.learnerSnapshots)} FINAL
     WHERE tenant_id = {tenantId:String} AND learner = {learner:String} AND as_of = {asOf:DateTime64(3)} ORDER BY taken_at DESC LIMIT 1`,
    { tenantId, learner: key.learner, asOf: asOfColumn(key) },
  );
  if (!row || row.model_version === RETIRED || row.fingerprint !== (await learnerCodeFingerprint())) return undefined;
  return { watermark: row.watermark, records: Number(row.records), modelVersion: row.model_version, state: await decodeLearnerState(Buffer.from(row.state, 'base64')) };
}

/** The tenant's as-of snapshots this learning code wrote, at or before a time if given (their states not read). */
export async function listAsOfSnapshots(ch: ClickHouse, tenantId: string, notAfter?: string): Promise<Array<{ asOf: string; records: number }>> {
  const rows = await ch.query<{ as_of: string; records: string }>(
    `SELECT as_of, records FROM ${ch.table(TABLES.learnerSnapshots)} FINAL
     WHERE tenant_id = {tenantId:String} AND learner = 'as-of' AND as_of <= {notAfter:DateTime64(3)} AND fingerprint = {fingerprint:String} AND model_version != {retired:String}`,
    { tenantId, notAfter: toClickHouseTime(notAfter ?? AFTER_EVERY_EVENT), fingerprint: await learnerCodeFingerprint(), retired: RETIRED },
  );
  return rows.map((r) => ({ asOf: fromClickHouseTime(r.as_of), records: Number(r.records) }));
}

/**
 * Retires as-of snapshots that no longer hold (history came in before their time): a row without a
 * state replaces each, so that merges drop the old state. Lists and loads skip it.
 */
export async function retireAsOfSnapshots(ch: ClickHouse, tenantId: string, asOfs: readonly string[], takenAtMs: number): Promise<void> {
  const fingerprint = await learnerCodeFingerprint();
  await ch.insert(
    TABLES.learnerSnapshots,
    asOfs.map((asOf) => ({ tenant_id: tenantId, learner: 'as-of', as_of: toClickHouseTime(asOf), fingerprint, watermark: '', records: 0, model_version: RETIRED, state: '', taken_at: toClickHouseTime(takenAtMs) })),
  );
}
