import { copyFileSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportResumeProblem, exportStamp } from '../../migrate/lib/sfcc-export/source.js';

/** Which export file a resume point belongs to: the file's content, not its path or time. */
describe('sfcc-export resume points', () => {
  const dir = mkdtempSync(join(tmpdir(), 'export-stamp-'));
  const file = join(dir, 'export.xml');
  writeFileSync(file, '<customers><customer customer-no="1"/></customers>');

  it('a copy or a touched file of the same export resumes; a different export at the same path does not', () => {
    const point = { at: 1, file: exportStamp(file) };
    const copy = join(dir, 'copy.xml');
    copyFileSync(file, copy);
    utimesSync(copy, new Date(2030, 0, 1), new Date(2030, 0, 1));
    expect(exportResumeProblem(point, copy)).toBeUndefined();
    const other = join(dir, 'other.xml');
    writeFileSync(other, '<customers><customer customer-no="2"/></customers>'); // same size, other content
    expect(exportResumeProblem(point, other)).toMatch(/another export file/);
  });

  it('a point written before content stamps (path, size, modification time) still resumes its file', () => {
    const stats = statSync(file);
    const legacy = { at: 1, file: `${resolve(file)} ${stats.size} ${Math.round(stats.mtimeMs)}` };
    expect(exportResumeProblem(legacy, file)).toBeUndefined();
    utimesSync(file, new Date(2031, 0, 1), new Date(2031, 0, 1));
    expect(exportResumeProblem(legacy, file)).toMatch(/another export file/);
  });
});
