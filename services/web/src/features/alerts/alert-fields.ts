import type { Alert, ClaimsPacket } from '@castor/contracts';

/**
 * The alert's fields as the packet's versions name them: the sheet cells (`fields[].path`) and the
 * rows of their numbers. An alert comparing sources names `candidate:7` or `urna`; the packet's
 * `comparedFields` says which cell (`votes.3-1`, `nivelacion.urna`) and row (`votes.3-1`, `urna`) that is.
 */
export function alertFieldsIn(packet: ClaimsPacket, alert: Alert): { paths: Set<string>; rows: Set<string> } {
  const named = new Set(alert.evidence.fields);
  const paths = new Set(named);
  const rows = new Set<string>();
  for (const link of packet.comparedFields) {
    if (!named.has(link.field)) continue;
    if (link.path) paths.add(link.path);
    rows.add(link.row);
  }
  return { paths, rows };
}
