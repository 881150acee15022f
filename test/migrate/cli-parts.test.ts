import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { customerSpool } from '../../migrate/cli/files.js';
import { GatewayError } from '../../adapters/errors.js';
import {
  checkOmitPaths,
  migrateCustomers,
  MigrationSetupError,
  omitFields,
  parseMigrateArgs,
  parseState,
  plainTextProgress,
  progressReporter,
  refusedFields,
  reportJson,
  secretValues,
  failedInLastRun,
  sinceLastRun,
  FROM_THE_START,
  stateAfter,
  stateJson,
  summaryLines,
  UsageError,
} from '../../migrate/lib/index.js';
import { testContext } from '../adapters/support.js';
import { emptyTarget, rejectingEmail, seededSource, stored, wrap } from './support.js';

const { ctx } = testContext();

describe('parseMigrateArgs', () => {
  it('reads the documented options', () => {
    expect(
      parseMigrateArgs([
        '--from',
        'sfcc',
        '--to',
        'scayle',
        '--dry-run',
        '--since',
        '2024-01-01T00:00:00Z',
        '--report',
        'r.json',
        '--report',
        'r.html',
        '--resume',
        's.json',
        '--batch-size',
        '100',
        '--max',
        '7',
        '--omit',
        'salutation, phones.mobile',
        '--inactive',
        '--concurrency',
        '4',
        '--rate',
        '300/60',
      ]),
    ).toEqual({
      help: false,
      command: 'migrate',
      from: 'sfcc',
      to: 'scayle',
      dryRun: true,
      since: '2024-01-01T00:00:00Z',
      reportPaths: ['r.json', 'r.html'],
      statePath: 's.json',
      batchSize: 100,
      maxCustomers: 7,
      omit: ['salutation', 'phones.mobile'],
      createInactive: true,
      concurrency: 4,
      rate: { limit: 300, windowSeconds: 60 },
    });
  });

  it('reads verify, --since last and an export source (which brings its passwords)', () => {
    expect(
      parseMigrateArgs(['verify', '--from', 'sfcc', '--to', 'scayle', '--state', 's.json', '--since', 'last']),
    ).toMatchObject({ command: 'verify', since: 'last', statePath: 's.json' });
    expect(parseMigrateArgs(['--from', 'sfcc-export:/tmp/c.xml', '--to', 'scayle'])).toMatchObject({
      from: 'sfcc-export',
      exportFile: '/tmp/c.xml',
      passwordsFrom: '/tmp/c.xml',
    });
  });

  it.each([
    [['--to', 'scayle'], /--from and --to are required/],
    [['--from', 'sfcc', '--to', 'sfcc'], /same backend/],
    [['--from', 'sfcc', '--to', 'scayle', '--since', 'yesterday'], /--since/],
    [['--from', 'sfcc', '--to', 'scayle', '--since', '2024-01-01'], /--since/],
    [['--from', 'sfcc', '--to', 'scayle', '--batch-size', '201'], /--batch-size/],
    [['--from', 'sfcc', '--to', 'scayle', '--max', '0'], /--max/],
    [['--from', 'sfcc', '--to', 'scayle', '--dryrun'], /dryrun/],
    [['--from', 'sfcc', '--to', 'scayle', '--since', 'last'], /--since last needs --state/],
    [['--from', 'sfcc', '--to', 'scayle', '--concurrency', '33'], /--concurrency/],
    [['--from', 'sfcc', '--to', 'scayle', '--rate', 'fast'], /--rate/],
    [['check', '--from', 'sfcc', '--to', 'scayle'], /unknown command "check"/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseMigrateArgs(argv)).toThrow(UsageError);
    expect(() => parseMigrateArgs(argv)).toThrow(message);
  });
});

describe('--omit', () => {
  it('accepts customer, phone, address and custom fields; refuses typos and what the migration needs', () => {
    expect(checkOmitPaths(['salutation', 'phones.fax', 'addresses.companyName', 'custom.origin', 'custom'])).toEqual(
      [],
    );
    expect(checkOmitPaths(['salutaton', 'phones.pager', 'email', 'externalRef', 'addresses.x'])).toHaveLength(5);
  });

  it('leaves the fields out of every address and says what this customer lost', () => {
    const { input, omitted } = omitFields(
      {
        email: 'a@example.com',
        salutation: 'Mr',
        phones: { mobile: '1' },
        addresses: [{ lastName: 'A', line1: 'x', city: 'y', postalCode: '1', countryCode: 'DE', companyName: 'ACME' }],
      },
      ['salutation', 'phones.mobile', 'addresses.companyName', 'title'],
    );
    expect(input).toEqual({
      email: 'a@example.com',
      addresses: [{ lastName: 'A', line1: 'x', city: 'y', postalCode: '1', countryCode: 'DE' }],
    });
    expect(omitted).toEqual(['salutation', 'phones.mobile', 'addresses.companyName']);
  });

  it('migrates a customer the target refused once the field is omitted, and notes the loss', async () => {
    const inner = emptyTarget();
    // A target that has no place for groups (as SFCC: LOSSY_FIELDS), so leaving them out is offered.
    const target = wrap(inner, {
      platform: 'sfcc',
      async createCustomer(input, c) {
        if (input.groups)
          throw new GatewayError('validation_failed', 'target cannot store groups', {
            errors: [{ path: 'groups.0', message: 'no groups here' }],
          });
        return inner.createCustomer(input, c);
      },
    });
    const source = await seededSource();
    const refused = await migrateCustomers({ source, target, ctx });
    expect(refusedFields(refused)).toEqual([
      { path: 'groups', customers: 1, message: 'no groups here', omittable: true },
    ]);
    expect(summaryLines(refused).join('\n')).toMatch(/--omit groups/);

    const retried = await migrateCustomers({ source, target, ctx, omit: ['groups'] });
    expect(retried.counts).toMatchObject({ created: 1, skipped: 4, failed: 0 });
    expect(retried.customers.find((c) => c.email === 'ada@example.com')!.notes).toContain('left out as asked: groups');
    expect(stored(inner).get('ada@example.com')!.customer.groups).toBeUndefined();
  });

  it('offers --omit only for a field the target has no place for, not one refused for its length', async () => {
    const inner = emptyTarget();
    const target = wrap(inner, {
      platform: 'open2b',
      async createCustomer() {
        throw new GatewayError('validation_failed', 'too long', {
          errors: [{ path: 'lastName', message: 'must be at most 3 characters for Open2b' }],
        });
      },
    });
    const refused = await migrateCustomers({ source: await seededSource(), target, ctx });
    expect(refusedFields(refused)).toEqual([
      { path: 'lastName', customers: 5, message: 'must be at most 3 characters for Open2b', omittable: false },
    ]);
    // Leaving the name out would drop it from every customer: not offered.
    expect(summaryLines(refused).join('\n')).not.toMatch(/--omit/);
  });

  it('refuses to leave out what every address needs', async () => {
    for (const path of ['addresses.countryCode', 'addresses.lastName', 'addresses.line1']) {
      await expect(
        migrateCustomers({ source: await seededSource(), target: emptyTarget(), ctx, omit: [path] }),
      ).rejects.toThrow(new RegExp(`${path}: cannot be left out \\(every address needs it`));
    }
    expect(checkOmitPaths(['addresses.companyName', 'addresses.line2'])).toEqual([]);
  });

  it('is refused before anything runs when a path is wrong', async () => {
    await expect(
      migrateCustomers({ source: await seededSource(), target: emptyTarget(), ctx, omit: ['emial'] }),
    ).rejects.toThrow(MigrationSetupError);
  });

  it('--inactive creates customers inactive and says so', async () => {
    const target = emptyTarget();
    const result = await migrateCustomers({ source: await seededSource(), target, ctx, createInactive: true });
    expect([...stored(target).values()].every((r) => r.customer.status.active === false)).toBe(true);
    expect(result.customers.find((c) => c.email === 'ada@example.com')!.notes!.join()).toMatch(/created inactive/);
  });
});

describe('the report file', () => {
  it('holds no password or credential, even when an adapter message carries one', async () => {
    const token = 'tok_live_4f1e9a0c7b';
    const target = wrap(emptyTarget(), {
      async createCustomer() {
        throw new GatewayError('upstream_error', `upstream said: bad header X-Access-Token: ${token}`, {
          created: { customerId: '9', password: 'hunter2-pw' },
        });
      },
    });
    const result = await migrateCustomers({ source: await seededSource(), target, ctx });
    const text = reportJson(result, secretValues({ SCAYLE_ACCESS_TOKEN: token, PORT: '8787' }));
    expect(text).not.toContain(token);
    expect(text).not.toContain('hunter2-pw');
    // The seeded source passwords were never read, so they cannot be anywhere.
    expect(text).not.toMatch(/ada-secret-pw-1|giulia-secret-pw-2/);
    const report = JSON.parse(text);
    expect(report.counts).toMatchObject({ failed: 5, passwordResetNeeded: 0 });
    expect(report.customers[0]).toMatchObject({
      outcome: 'failed',
      code: 'upstream_error',
      created: { customerId: '9' },
    });
  });

  it('lists who needs a password reset', async () => {
    const report = JSON.parse(
      reportJson(await migrateCustomers({ source: await seededSource(), target: emptyTarget(), ctx })),
    );
    expect(report.counts.passwordResetNeeded).toBe(2);
    expect(
      report.customers
        .filter((c: { passwordResetNeeded?: boolean }) => c.passwordResetNeeded)
        .map((c: { email: string }) => c.email),
    ).toEqual(['ada@example.com', 'giulia@example.it']);
  });
});

describe('state file', () => {
  it('round-trips the position of a run under way and refuses anything else', async () => {
    const result = await migrateCustomers({
      source: await seededSource(),
      target: emptyTarget(),
      ctx,
      batchSize: 2,
      maxCustomers: 3,
    });
    const state = stateAfter(undefined, result);
    expect(parseState(stateJson(state))).toEqual(state);
    expect(state.inProgress).toEqual(result.resumeFrom);
    // Files written before the state file existed hold a bare resume point.
    expect(parseState(JSON.stringify(result.resumeFrom)).inProgress).toEqual(result.resumeFrom);
    expect(() => parseState('{"source":"memory"}')).toThrow(/not a migration state file/);
    expect(() => parseState('nope')).toThrow(/not JSON/);
  });

  it('remembers when the last completed run started, for --since last; a resumed run counts from its first start', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    const first = await migrateCustomers({ source, target, ctx, batchSize: 2, maxCustomers: 2 });
    const rest = await migrateCustomers({ source, target, ctx, batchSize: 2, resumeFrom: first.resumeFrom! });
    const state = stateAfter(stateAfter(undefined, first), rest);
    expect(state).toEqual({
      source: 'memory',
      target: 'memory',
      lastCompleted: { startedAt: first.startedAt, finishedAt: rest.finishedAt },
    });
    expect(sinceLastRun(state, 'memory', 'memory')).toBe(first.startedAt);
    expect(() => sinceLastRun(stateAfter(undefined, first), 'memory', 'memory')).toThrow(/no completed run/);
    expect(() => sinceLastRun(state, 'memory', 'scayle')).toThrow(/belongs to memory → memory/);
  });

  it('a run that left customers failed keeps their ids: the next --since last moves on and tries them again by id', async () => {
    const source = await seededSource();
    const giulia = (await source.listCustomers!({ limit: 10, email: 'giulia@example.it' }, ctx)).items[0]!.id;
    const target = emptyTarget();
    const refusing = rejectingEmail(target, 'giulia@example.it');
    const full = await migrateCustomers({ source, target: refusing, ctx });
    expect(full.counts).toMatchObject({ created: 4, failed: 1 });
    let state = stateAfter(undefined, full);
    expect(sinceLastRun(state, 'memory', 'memory')).toBe(full.runStartedAt);
    expect(failedInLastRun(state)).toEqual([giulia]);

    // Nothing changed since: the listing brings no one, the failed customer is read by id alone.
    const since = sinceLastRun(state, 'memory', 'memory');
    const again = await migrateCustomers({ source, target: refusing, ctx, since, retryIds: failedInLastRun(state) });
    expect(again.counts).toMatchObject({ read: 1, failed: 1 });
    state = stateAfter(state, again);
    expect(failedInLastRun(state)).toEqual([giulia]);

    // Fixed (here: the target takes her now), and changed meanwhile so the listing brings her too:
    // created once, counted once, and nothing left to retry.
    await source.updateCustomer({ kind: 'id', id: giulia }, { firstName: 'Giulia' }, {}, ctx);
    const fixed = await migrateCustomers({
      source,
      target,
      ctx,
      since: sinceLastRun(state, 'memory', 'memory'),
      retryIds: failedInLastRun(state),
    });
    expect(fixed.counts).toMatchObject({ read: 1, created: 1, failed: 0 });
    expect(fixed.customers.map((c) => [c.sourceId, c.outcome])).toEqual([[giulia, 'created']]);
    expect(stored(target).has('giulia@example.it')).toBe(true);
    state = stateAfter(state, fixed);
    expect(failedInLastRun(state)).toEqual([]);
    expect(sinceLastRun(state, 'memory', 'memory')).toBe(fixed.runStartedAt);
  });

  it('a retry by id stopped half-way resumes with the rest; a customer gone from the source is skipped', async () => {
    const source = await seededSource();
    const ids = (await source.listCustomers!({ limit: 10 }, ctx)).items.map((c) => c.id);
    const target = emptyTarget();
    const since = new Date(Date.now() + 60_000).toISOString(); // the listing brings no one
    const retryIds = [ids[0]!, 'gone-since', ids[1]!];
    const part = await migrateCustomers({ source, target, ctx, since, retryIds, maxCustomers: 2 });
    expect(part.resumeFrom).toMatchObject({ retry: [ids[1]] });
    expect(part.customers.map((c) => [c.sourceId, c.outcome])).toEqual([
      [ids[0], 'created'],
      ['gone-since', 'skipped'],
    ]);
    const rest = await migrateCustomers({ source, target, ctx, since, retryIds, resumeFrom: part.resumeFrom! });
    expect(rest.customers.map((c) => [c.sourceId, c.outcome])).toEqual([[ids[1], 'created']]);
    expect(rest.complete).toBe(true);
    // Stopped in the listing, its retries done: resumed (the command passes the same ids), none is retried again.
    const listing = await migrateCustomers({
      source,
      target: emptyTarget(),
      ctx,
      retryIds: [ids[0]!],
      maxCustomers: 2,
    });
    expect(listing.resumeFrom).not.toHaveProperty('retry');
    const resumed = await migrateCustomers({
      source,
      target: emptyTarget(),
      ctx,
      retryIds: [ids[0]!],
      resumeFrom: listing.resumeFrom!,
    });
    expect(resumed.customers.map((c) => c.sourceId)).not.toContain(ids[0]);
  });

  it('a part resumed mid-retry does not try again, when the listing brings them, the customers its first part retried', async () => {
    const source = await seededSource();
    const ids = (await source.listCustomers!({ limit: 10 }, ctx)).items.map((c) => c.id);
    const target = emptyTarget();
    const since = new Date(0).toISOString(); // the listing brings everyone
    const retryIds = [ids[0]!, ids[1]!];
    const part = await migrateCustomers({ source, target, ctx, since, retryIds, maxCustomers: 1 });
    expect(part.customers.map((c) => [c.sourceId, c.outcome])).toEqual([[ids[0], 'created']]);
    expect(part.resumeFrom).toMatchObject({ retry: [ids[1]], retried: [ids[0]] });
    // Through the state file, as `--resume` reads it.
    const resumeFrom = parseState(JSON.stringify(stateAfter(undefined, part))).inProgress!;
    const rest = await migrateCustomers({ source, target, ctx, since, retryIds, resumeFrom });
    const tried = rest.customers.map((c) => c.sourceId);
    expect(tried[0]).toBe(ids[1]);
    expect(tried).not.toContain(ids[0]);
    expect(new Set(tried).size).toBe(tried.length);
    expect(rest.counts.read + part.counts.read).toBe(ids.length);
    expect(rest.complete).toBe(true);
  });

  it('past a thousand failures no ids are kept (the state file is rewritten per customer): the next run reads all again', async () => {
    const many = Array.from({ length: 1_001 }, (_, i) => ({ email: `many-${i}@example.com`, lastName: `Many${i}` }));
    const source = await seededSource(many);
    const refusing = wrap(emptyTarget(), {
      async createCustomer() {
        throw new GatewayError('upstream_unavailable', 'the target is down');
      },
    });
    const run = await migrateCustomers({ source, target: refusing, ctx, batchSize: 200 });
    expect(run.counts.failed).toBe(1_001);
    expect(run.failedIds).toBeUndefined();
    expect(sinceLastRun(stateAfter(undefined, run), 'memory', 'memory')).toBe(FROM_THE_START);
  });

  it('where a resumed part failed customers before ids were kept, --since last does not move past them', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    const first = await migrateCustomers({ source, target, ctx, batchSize: 1, maxCustomers: 1 });
    // A resume point as written before failed ids were kept: a failure without its id.
    const legacy = { ...first.resumeFrom!, failed: 1 };
    const rest = await migrateCustomers({ source, target, ctx, resumeFrom: legacy });
    expect(rest.failedIds).toBeUndefined();
    expect(sinceLastRun(stateAfter(undefined, rest), 'memory', 'memory')).toBe(FROM_THE_START);
    // And a run that failed none moves on to its start.
    const clean = await migrateCustomers({ source, target: emptyTarget(), ctx });
    expect(sinceLastRun(stateAfter(undefined, clean), 'memory', 'memory')).toBe(clean.runStartedAt);
  });
});

describe('plain-text progress', () => {
  it('writes one line per page', async () => {
    const lines: string[] = [];
    const progress = plainTextProgress({ write: (t: string) => lines.push(t) });
    await migrateCustomers({
      source: await seededSource(),
      target: emptyTarget(),
      ctx,
      batchSize: 2,
      onProgress: (p) => progress.update(p),
    });
    expect(lines).toEqual([
      'page 1: 2/5 customers — 2 created, 0 skipped, 0 failed\n',
      'page 2: 4/5 customers — 4 created, 0 skipped, 0 failed\n',
      'page 3: 5/5 customers — 5 created, 0 skipped, 0 failed\n',
    ]);
  });
});

describe('progress bar', () => {
  it('draws the bar on a terminal and ends at the total', async () => {
    let out = '';
    const terminal = {
      isTTY: true,
      columns: 120,
      write: (t: string) => ((out += t), true),
      on() {},
      removeListener() {},
    };
    const progress = progressReporter(terminal);
    await migrateCustomers({
      source: await seededSource(),
      target: emptyTarget(),
      ctx,
      batchSize: 2,
      onProgress: (p) => progress.update(p),
    });
    progress.finish();
    expect(out).toMatch(/5\/5 customers \| 5 created, 0 skipped, 0 failed/);
  });
});

describe('the report spool', () => {
  it('has each row on disk when add returns: the state file moves past the customer next, and a kill -9 may follow', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-spool-'));
    const report = join(dir, 'report.json');
    const spool = customerSpool(report);
    const onDisk = () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.customers.tmp'))
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join('');
    spool.add('{"email":"first@example.com"}');
    expect(onDisk()).toBe('{"email":"first@example.com"}');
    spool.add('{"email":"second@example.com"}');
    expect(onDisk()).toBe('{"email":"first@example.com"},\n{"email":"second@example.com"}');
    await spool.finish({ head: '{"customers":[', tail: ']}', afterCustomers: '' });
    expect(JSON.parse(readFileSync(report, 'utf8')).customers).toHaveLength(2);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});
