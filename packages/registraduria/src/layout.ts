import { type MesaRef, mesaRefSchema } from '@castor/contracts';

/**
 * The 2026 publication layout (docs/e14.md "Files as published"):
 *
 *   /assets/temis/pdf/{dep2}/{mun3}/{zona3}/{puesto2}/{mesa3}/{election}/{64 hex}.pdf
 *
 * The zona is printed with 2 digits and padded to 3 in paths. The file name is opaque (64 hex):
 * it cannot be derived from the mesa, which is why the index exists.
 */
const PUBLISHED_PATH =
  /^\/assets\/temis\/pdf\/(\d{2})\/(\d{3})\/(\d{3})\/(\d{2})\/(\d{3})\/([A-Z0-9]{1,16})\/([0-9a-f]{64})\.pdf$/;

export interface PublishedFileRef {
  mesa: MesaRef;
  /** Election segment of the path: `PRE` for the 2026 presidential election. */
  election: string;
  /** The 64-hex file name, without `.pdf`. */
  fileId: string;
}

export function publishedFilePath({ mesa, election, fileId }: PublishedFileRef): string {
  const ref = mesaRefSchema.parse(mesa);
  if (!/^[A-Z0-9]{1,16}$/.test(election)) throw new Error(`invalid election segment: ${election}`);
  if (!/^[0-9a-f]{64}$/.test(fileId)) throw new Error(`invalid file id: ${fileId}`);
  return `/assets/temis/pdf/${ref.departamento}/${ref.municipio}/${ref.zona.padStart(3, '0')}/${ref.puesto}/${ref.mesa}/${election}/${fileId}.pdf`;
}

/** The mesa and file a published path names, or null when it is not on the layout. */
export function parsePublishedPath(path: string): PublishedFileRef | null {
  const match = PUBLISHED_PATH.exec(path);
  if (!match) return null;
  const [, departamento = '', municipio = '', zona3 = '', puesto = '', mesa = '', election = '', fileId = ''] = match;
  // Zonas have two digits; a path zona above 099 does not fit the printed codes.
  if (!zona3.startsWith('0')) return null;
  return { mesa: { departamento, municipio, zona: zona3.slice(1), puesto, mesa }, election, fileId };
}

/** Joins a path of the site to the configured base URL (which may itself have a path prefix). */
export function siteUrl(baseUrl: string, path: string): string {
  const base = new URL(baseUrl);
  base.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
  return base.toString();
}
