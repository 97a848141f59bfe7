import { describe, expect, it } from 'vitest';
import { judgeBody, parseMesaIndex, parsePublishedPath, publishedFilePath, siteUrl } from '../src/index.js';

const fileId = 'ab'.repeat(32);
const anza = { departamento: '01', municipio: '034', zona: '00', puesto: '00', mesa: '001' };

describe('2026 layout', () => {
  it('builds and parses published paths, padding the zona to three digits', () => {
    const path = publishedFilePath({ mesa: anza, election: 'PRE', fileId });
    expect(path).toBe(`/assets/temis/pdf/01/034/000/00/001/PRE/${fileId}.pdf`);
    expect(parsePublishedPath(path)).toEqual({ mesa: anza, election: 'PRE', fileId });
    expect(parsePublishedPath('/assets/temis/pdf/01/034/100/00/001/PRE/x.pdf')).toBeNull();
    expect(() => publishedFilePath({ mesa: { ...anza, zona: '0' }, election: 'PRE', fileId })).toThrow();
  });

  it('joins paths to a base URL with or without a path prefix', () => {
    expect(siteUrl('https://e14.example/', '/a/b.pdf')).toBe('https://e14.example/a/b.pdf');
    expect(siteUrl('https://e14.example/mirror/', '/a/b.pdf')).toBe('https://e14.example/mirror/a/b.pdf');
  });
});

describe('index of mesas (assumed shape)', () => {
  it('keeps good nodes and reports nodes whose codes disagree with their path', () => {
    const path = publishedFilePath({ mesa: anza, election: 'PRE', fileId });
    const index = parseMesaIndex({
      'X 2-39-88-14 X': { ...anza, zona: '000', pdf: path },
      'X 1-11-11-11 X': { ...anza, mesa: '002', zona: '000', pdf: path },
      'X 9-99-99-99 X': { departamento: '1' },
    });
    expect(index.entries).toEqual([{ transmissionCode: 'X 2-39-88-14 X', mesa: anza, path, election: 'PRE' }]);
    expect(index.rejected.map((rejected) => rejected.transmissionCode)).toEqual(['X 1-11-11-11 X', 'X 9-99-99-99 X']);
    expect(index.byMesa(anza)?.transmissionCode).toBe('X 2-39-88-14 X');
    expect(index.byTransmissionCode('X 2-39-88-14 X')?.mesa).toEqual(anza);
    expect(() => parseMesaIndex([])).toThrow(/keyed by transmission code/);
  });
});

describe('verdict by content', () => {
  it('tells PDFs, cut PDFs, HTML pages and other bodies apart', () => {
    expect(judgeBody(Buffer.from('%PDF-1.6\nbody\n%%EOF\n')).kind).toBe('pdf');
    expect(judgeBody(Buffer.from('%PDF-1.6\nbody cut her')).kind).toBe('truncated-pdf');
    expect(judgeBody(Buffer.from('\n<!doctype html><html></html>'))).toMatchObject({
      kind: 'not-pdf',
      reason: 'html-page',
    });
    expect(judgeBody(Buffer.from('GIF89a'))).toMatchObject({ kind: 'not-pdf', reason: 'other' });
    expect(judgeBody(Buffer.alloc(0))).toMatchObject({ kind: 'not-pdf', reason: 'empty' });
  });
});
